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

    /// <summary>Each request goes over HTTP/1.1 and over HTTP/2: the WAF's decision must not depend on the version.</summary>
    public static TheoryData<string> HttpVersions => [Http11, Http2];

    private const string Http11 = "1.1";
    private const string Http2 = "2.0";

    [Theory]
    [MemberData(nameof(HttpVersions))]
    public Task SqlInjectionInTheQueryStringIsBlocked(string version) =>
        AssertBlockedAsync(version, new WafProbe("GET", "/api/flow?id=1%27%20OR%20%271%27=%271"), "942100");

    [Theory]
    [MemberData(nameof(HttpVersions))]
    public Task CrossSiteScriptingInAFormBodyIsBlocked(string version) => AssertBlockedAsync(
        version, WafProbe.Post("/api/flow", "application/x-www-form-urlencoded", "comment=%3Cscript%3Ealert(document.cookie)%3C%2Fscript%3E"), "941100");

    [Theory]
    [MemberData(nameof(HttpVersions))]
    public Task PathTraversalIsBlocked(string version) => AssertBlockedAsync(version, new WafProbe("GET", "/api/flow?file=../../../../etc/passwd"), "930100");

    [Theory]
    [MemberData(nameof(HttpVersions))]
    public Task ScannerUserAgentIsBlocked(string version) =>
        AssertBlockedAsync(version, new WafProbe("GET", "/api/flow", "User-Agent: sqlmap/1.7.2#stable (https://sqlmap.org)\r\n"), "913100");

    [Theory]
    [MemberData(nameof(HttpVersions))]
    public Task SqlInjectionInAJsonBodyIsBlocked(string version) =>
        AssertBlockedAsync(version, WafProbe.Post("/api/flow", "application/json", """{"order":{"id":"1' OR '1'='1"}}"""), "942100");

    /// <summary>Every JSON media type ASP.NET Core would bind, each over both versions.</summary>
    public static MatrixTheoryData<string, string> JsonMediaTypesOverEachVersion => new(
        [
            "application/cloudevents+json", "application/cloudevents+json; charset=utf-8", "application/json; charset=utf-8",
            "APPLICATION/JSON", "application/vnd.api+json", "application/problem+json",
        ],
        [Http11, Http2]);

    [Theory]
    [MemberData(nameof(JsonMediaTypesOverEachVersion))]
    public Task SqlInjectionInAJsonBodyIsBlockedWhateverJsonMediaTypeItCarries(string contentType, string version) =>
        AssertBlockedAsync(version, WafProbe.Post("/api/flow", contentType, """{"order":{"id":"1' OR '1'='1"}}"""), "942100");

    [Theory]
    [MemberData(nameof(HttpVersions))]
    public async Task OrdinaryCloudEventReachesTheWorkload(string version)
    {
        var (status, response) = await SendAsync(version, WafProbe.Post(
            "/api/flow", "application/cloudevents+json", """{"specversion":"1.0","type":"org.secureflow.order","source":"/orders","id":"A-1042","data":{"quantity":2}}"""));

        Assert.Equal(200, status);
        Assert.Contains("\"hops\"", response, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(HttpVersions))]
    public async Task JsonBodyThatIsNotLabelledJsonNeverReachesTheWorkload(string version)
    {
        const string json = """{"order":{"id":"1' OR '1'='1"}}""";

        var (asText, _) = await SendAsync(version, WafProbe.Post("/api/flow", "text/plain", json));
        var (withoutType, _) = await SendAsync(version, new WafProbe("POST", "/api/flow", Body: json));

        Assert.Equal(403, asText);
        Assert.Equal(415, withoutType);
    }

    /// <summary>HTTP/1.1 only: an HTTP/2 client sends one Content-Type field at most (HttpClient joins the values).</summary>
    [Fact]
    public async Task RequestWithTwoContentTypesNeverReachesTheWorkload()
    {
        var twoTypes = new WafProbe("POST", "/api/flow", "Content-Type: text/plain\r\n", "application/json", """{"order":{"id":"1"}}""");

        var (status, _) = await TlsClients.SendRawAsync(_app, twoTypes.ToHttp11());

        Assert.Equal(400, status);
    }

    [Theory]
    [MemberData(nameof(HttpVersions))]
    public async Task OrdinaryRequestsReachTheWorkload(string version)
    {
        using var client = _app.CreateClient();
        client.DefaultRequestVersion = Version.Parse(version);
        client.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;

        using var page = await client.GetAsync(_app.EdgeUri("/?lang=en&q=secure+network+flow"), TestContext.Current.CancellationToken);
        using var json = await client.PostAsync(_app.EdgeUri("/api/flow"), new StringContent(
            """{"order":{"id":"A-1042","items":[{"sku":"tls-1.3","quantity":2}],"comment":"Deliver before 5 o'clock, thanks!"}}""",
            Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        Assert.Equal(Version.Parse(version), json.Version);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        Assert.Contains("\"hops\"", await json.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(HttpVersions))]
    public async Task MalformedMultipartGets400AndDoesNotTakeTheEdgeDown(string version)
    {
        var body = "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue\r\n--b\r\nContent-Disposition: form-data; name=\"b\"; filename=\"x\r\n\r\n";
        var mark = _app.Logs.Mark("edge");

        var (status, _) = await SendAsync(version, WafProbe.Post("/api/flow", "multipart/form-data; boundary=b", body));

        Assert.Equal(400, status);
        await AssertEdgeServesAsync(version, mark);
    }

    [Theory]
    [MemberData(nameof(HttpVersions))]
    public Task InvalidUrlEncodingDoesNotTakeTheEdgeDown(string version) =>
        AssertAnsweredWithoutTakingTheEdgeDownAsync(version, new WafProbe("GET", "/api/flow?q=%zz%%41%u00"));

    [Theory]
    [MemberData(nameof(HttpVersions))]
    public async Task NulBytesAreBlockedAndDoNotTakeTheEdgeDown(string version)
    {
        var mark = _app.Logs.Mark("edge");

        var (inQuery, _) = await SendAsync(version, new WafProbe("GET", "/api/flow?q=a%00b"));
        var (inBody, _) = await SendAsync(version, WafProbe.Post("/api/flow", "application/x-www-form-urlencoded", "q=a\0b"));

        Assert.Equal(403, inQuery);
        Assert.Equal(403, inBody);
        await AssertEdgeServesAsync(version, mark);
    }

    [Theory]
    [MemberData(nameof(HttpVersions))]
    public Task VeryLongHeaderValueDoesNotTakeTheEdgeDown(string version) =>
        AssertAnsweredWithoutTakingTheEdgeDownAsync(version, new WafProbe("GET", "/api/flow", $"X-Long: {new string('x', 30 * 1024)}\r\n"));

    [Theory]
    [MemberData(nameof(HttpVersions))]
    public async Task BodyLargerThanTheWafInspectsGets413(string version)
    {
        var mark = _app.Logs.Mark("edge");

        var (status, _) = await SendAsync(version, WafProbe.Post("/api/flow", "application/json", $"{{\"a\":\"{new string('a', 200 * 1024)}\"}}"));

        Assert.Equal(413, status);
        await AssertEdgeServesAsync(version, mark);
    }

    private async Task AssertBlockedAsync(string version, WafProbe request, string ruleId)
    {
        var mark = _app.Logs.Mark("edge");

        var (status, response) = await SendAsync(version, request);

        Assert.Equal(403, status);
        var correlationId = CorrelationId().Match(response);
        Assert.True(correlationId.Success, $"No correlation id in: {response}");
        Assert.DoesNotContain(ruleId, response, StringComparison.Ordinal);
        var logLine = await _app.Logs.WaitForAsync("edge", mark, correlationId.Groups[1].Value);
        Assert.Contains("Blocked", logLine, StringComparison.Ordinal);
        Assert.Contains(ruleId, logLine, StringComparison.Ordinal);
        await AssertNoHeaderWarningAsync(mark);
    }

    private async Task AssertAnsweredWithoutTakingTheEdgeDownAsync(string version, WafProbe request)
    {
        var mark = _app.Logs.Mark("edge");

        var (status, _) = await SendAsync(version, request);

        Assert.InRange(status, 200, 499);
        await AssertEdgeServesAsync(version, mark);
    }

    /// <summary>The edge still serves, and its refusals over HTTP/2 made Kestrel strip no connection header.</summary>
    private async Task AssertEdgeServesAsync(string version, int mark)
    {
        using var client = _app.CreateClient();
        client.DefaultRequestVersion = Version.Parse(version);
        client.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        using var response = await client.GetAsync(_app.EdgeUri("/api/flow"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await AssertNoHeaderWarningAsync(mark);
    }

    /// <summary>
    /// Kestrel warns when a response carries headers HTTP/2 does not have (Connection). The edge writes its log in
    /// order, so once the block of a request sent after these is logged, whatever they caused has been logged too.
    /// </summary>
    private async Task AssertNoHeaderWarningAsync(int mark)
    {
        var (_, sentinel) = await TlsClients.SendRawAsync(_app, Get("/api/flow?id=1%27%20OR%20%271%27=%271"));
        await _app.Logs.WaitForAsync("edge", mark, CorrelationId().Match(sentinel).Groups[1].Value);
        Assert.DoesNotContain(_app.Logs.All("edge").Skip(mark), line => line.Contains("invalid for HTTP/2", StringComparison.Ordinal));
    }

    private Task<(int Status, string Response)> SendAsync(string version, WafProbe request) =>
        version == Http11 ? TlsClients.SendRawAsync(_app, request.ToHttp11()) : request.SendOverHttp2Async(_app);

    internal static byte[] Get(string target, string headers = "") => new WafProbe("GET", target, headers).ToHttp11();

    [GeneratedRegex("Correlation id: ([0-9a-f]{32})")]
    private static partial Regex CorrelationId();
}
