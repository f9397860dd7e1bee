using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using SecureFlow.EndToEnd.Tests.Infrastructure;

namespace SecureFlow.EndToEnd.Tests;

/// <summary>
/// The edge's WAF in Prevention mode, as the AppHost declares it, through the real chain over TLS: attacks end at the
/// edge with 403 and a correlation id; the workload's ordinary traffic, JSON bodies included, goes through.
/// </summary>
public sealed partial class WafTests(SharedApp shared)
{
    private readonly SecureFlowApp _app = shared.App;

    [Fact]
    public Task SqlInjectionInTheQueryStringIsBlocked() => AssertBlockedAsync(Get("/api/flow?id=1%27%20OR%20%271%27=%271"), "942100");

    [Fact]
    public Task CrossSiteScriptingInAFormBodyIsBlocked() =>
        AssertBlockedAsync(Post("/api/flow", "application/x-www-form-urlencoded", "comment=%3Cscript%3Ealert(document.cookie)%3C%2Fscript%3E"), "941100");

    [Fact]
    public Task PathTraversalIsBlocked() => AssertBlockedAsync(Get("/api/flow?file=../../../../etc/passwd"), "930100");

    [Fact]
    public Task ScannerUserAgentIsBlocked() => AssertBlockedAsync(Get("/api/flow", "User-Agent: sqlmap/1.7.2#stable (https://sqlmap.org)\r\n"), "913100");

    [Fact]
    public Task SqlInjectionInAJsonBodyIsBlocked() =>
        AssertBlockedAsync(Post("/api/flow", "application/json", """{"order":{"id":"1' OR '1'='1"}}"""), "942100");

    [Theory]
    [InlineData("application/cloudevents+json")]
    [InlineData("application/cloudevents+json; charset=utf-8")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("APPLICATION/JSON")]
    [InlineData("application/vnd.api+json")]
    [InlineData("application/problem+json")]
    public Task SqlInjectionInAJsonBodyIsBlockedWhateverJsonMediaTypeItCarries(string contentType) =>
        AssertBlockedAsync(Post("/api/flow", contentType, """{"order":{"id":"1' OR '1'='1"}}"""), "942100");

    [Fact]
    public async Task SqlInjectionInACloudEventOverHttp2IsBlocked()
    {
        using var client = _app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, _app.EdgeUri("/api/flow"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new StringContent("""{"specversion":"1.0","data":{"id":"1' OR '1'='1"}}""", Encoding.UTF8, "application/cloudevents+json"),
        };

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task OrdinaryCloudEventReachesTheWorkload()
    {
        using var client = _app.CreateClient();

        using var response = await client.PostAsync(_app.EdgeUri("/api/flow"), new StringContent(
            """{"specversion":"1.0","type":"org.secureflow.order","source":"/orders","id":"A-1042","data":{"quantity":2}}""",
            Encoding.UTF8, "application/cloudevents+json"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"hops\"", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonBodyThatIsNotLabelledJsonNeverReachesTheWorkload()
    {
        const string json = """{"order":{"id":"1' OR '1'='1"}}""";
        var unlabelled = Encoding.Latin1.GetBytes(
            $"POST /api/flow HTTP/1.1\r\nHost: {SecureFlowApp.PublicHost}\r\nContent-Length: {json.Length}\r\nConnection: close\r\n\r\n{json}");
        var twoTypes = Encoding.Latin1.GetBytes(
            $"POST /api/flow HTTP/1.1\r\nHost: {SecureFlowApp.PublicHost}\r\nContent-Type: text/plain\r\nContent-Type: application/json\r\nContent-Length: {json.Length}\r\nConnection: close\r\n\r\n{json}");

        var (asText, _) = await TlsClients.SendRawAsync(_app, Post("/api/flow", "text/plain", json));
        var (withoutType, _) = await TlsClients.SendRawAsync(_app, unlabelled);
        var (withTwoTypes, _) = await TlsClients.SendRawAsync(_app, twoTypes);

        Assert.Equal(403, asText);
        Assert.Equal(415, withoutType);
        Assert.Equal(400, withTwoTypes);
    }

    [Fact]
    public async Task OrdinaryRequestsReachTheWorkload()
    {
        using var client = _app.CreateClient();

        using var page = await client.GetAsync(_app.EdgeUri("/?lang=en&q=secure+network+flow"), TestContext.Current.CancellationToken);
        using var json = await client.PostAsync(_app.EdgeUri("/api/flow"), new StringContent(
            """{"order":{"id":"A-1042","items":[{"sku":"tls-1.3","quantity":2}],"comment":"Deliver before 5 o'clock, thanks!"}}""",
            Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        Assert.Contains("\"hops\"", await json.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedMultipartGets400AndDoesNotTakeTheEdgeDown()
    {
        var body = "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue\r\n--b\r\nContent-Disposition: form-data; name=\"b\"; filename=\"x\r\n\r\n";

        var (status, _) = await TlsClients.SendRawAsync(_app, Post("/api/flow", "multipart/form-data; boundary=b", body));

        Assert.Equal(400, status);
        await AssertEdgeServesAsync();
    }

    [Fact]
    public async Task InvalidUrlEncodingDoesNotTakeTheEdgeDown()
    {
        var (status, _) = await TlsClients.SendRawAsync(_app, Get("/api/flow?q=%zz%%41%u00"));

        Assert.InRange(status, 200, 499);
        await AssertEdgeServesAsync();
    }

    [Fact]
    public async Task NulBytesAreBlockedAndDoNotTakeTheEdgeDown()
    {
        var (inQuery, _) = await TlsClients.SendRawAsync(_app, Get("/api/flow?q=a%00b"));
        var (inBody, _) = await TlsClients.SendRawAsync(_app, Post("/api/flow", "application/x-www-form-urlencoded", "q=a\0b"));

        Assert.Equal(403, inQuery);
        Assert.Equal(403, inBody);
        await AssertEdgeServesAsync();
    }

    [Fact]
    public async Task VeryLongHeaderValueDoesNotTakeTheEdgeDown()
    {
        var (status, _) = await TlsClients.SendRawAsync(_app, Get("/api/flow", $"X-Long: {new string('x', 30 * 1024)}\r\n"));

        Assert.InRange(status, 200, 499);
        await AssertEdgeServesAsync();
    }

    [Fact]
    public async Task BodyLargerThanTheWafInspectsGets413()
    {
        var (status, _) = await TlsClients.SendRawAsync(_app, Post("/api/flow", "application/json", $"{{\"a\":\"{new string('a', 200 * 1024)}\"}}"));

        Assert.Equal(413, status);
        await AssertEdgeServesAsync();
    }

    private async Task AssertBlockedAsync(byte[] request, string ruleId)
    {
        var mark = _app.Logs.Mark("edge");

        var (status, response) = await TlsClients.SendRawAsync(_app, request);

        Assert.Equal(403, status);
        var correlationId = CorrelationId().Match(response);
        Assert.True(correlationId.Success, $"No correlation id in: {response}");
        Assert.DoesNotContain(ruleId, response, StringComparison.Ordinal);
        var logLine = await _app.Logs.WaitForAsync("edge", mark, correlationId.Groups[1].Value);
        Assert.Contains("Blocked", logLine, StringComparison.Ordinal);
        Assert.Contains(ruleId, logLine, StringComparison.Ordinal);
    }

    private async Task AssertEdgeServesAsync()
    {
        using var client = _app.CreateClient();
        using var response = await client.GetAsync(_app.EdgeUri("/api/flow"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    internal static byte[] Get(string target, string headers = "") =>
        Encoding.Latin1.GetBytes($"GET {target} HTTP/1.1\r\nHost: {SecureFlowApp.PublicHost}\r\n{headers}Connection: close\r\n\r\n");

    internal static byte[] Post(string target, string contentType, string body) => Encoding.Latin1.GetBytes(
        $"POST {target} HTTP/1.1\r\nHost: {SecureFlowApp.PublicHost}\r\nContent-Type: {contentType}\r\nContent-Length: {Encoding.Latin1.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}");

    [GeneratedRegex("Correlation id: ([0-9a-f]{32})")]
    private static partial Regex CorrelationId();
}
