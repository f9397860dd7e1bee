using System.Diagnostics;
using System.Net;
using System.Text;
using SecureFlow.Gateway.Tests.Infrastructure;

namespace SecureFlow.Gateway.Tests.Waf;

/// <summary>
/// The edge's WAF (ModSecurity v3 and the OWASP CRS from the Debian packages) in front of a real backend: what it
/// blocks never reaches the backend, what it passes arrives intact, and each decision is counted.
/// </summary>
public sealed class ModSecurityInspectorTests : IAsyncLifetime
{
    private const string Inspected = "secureflow.gateway.waf.inspected_requests";
    private const string Blocked = "secureflow.gateway.waf.blocked_requests";
    private const string RuleMatches = "secureflow.gateway.waf.rule_matches";

    private EchoBackend _backend = null!;
    private InProcessGateway _gateway = null!;

    public async ValueTask InitializeAsync()
    {
        _backend = await EchoBackend.StartAsync();
        _gateway = await InProcessGateway.StartAsync(_ =>
        {
            var configuration = _backend.Route();
            configuration["Waf:Mode"] = "Prevention";
            configuration["Waf:RequestBodyLimitInKb"] = "8";
            return configuration;
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task SqlInjectionIsBlockedWithCorrelationIdAndCountedByRule()
    {
        var response = await _gateway.SendAsync("GET /items?id=1%27%20OR%20%271%27=%271 HTTP/1.1\r\n");

        Assert.Equal(403, response.Status);
        Assert.Matches("Correlation id: [0-9a-f]{32}", response.Body);
        Assert.DoesNotContain("942", response.Body, StringComparison.Ordinal);
        Assert.Equal(0, _backend.Requests);
        Assert.Equal(1, _gateway.Total(Blocked, ("waf.action", "blocked")));
        Assert.Equal(1, _gateway.Total(RuleMatches, ("waf.rule.id", "942100")));
    }

    [Fact]
    public async Task BlockOverHttp2EndsTheConnectionWithGoawayAndNoConnectionHeader()
    {
        using var client = _gateway.CreateHttp2Client();

        using var blocked = await client.GetAsync(_gateway.Uri("/items?id=1%27%20OR%20%271%27=%271"), TestContext.Current.CancellationToken);
        using var next = await client.GetAsync(_gateway.Uri("/items?id=1"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpVersion.Version20, blocked.Version);
        Assert.Equal(HttpStatusCode.Forbidden, blocked.StatusCode);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(1, _backend.Requests);

        // The client opened a second connection for the next request: the first one ended after the block.
        Assert.Equal(2, _gateway.Total("secureflow.gateway.tls.handshakes"));
        Assert.DoesNotContain(_gateway.Logs.Entries, entry => entry.Message.Contains("invalid for HTTP/2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BlockOverHttp11ClosesTheConnection()
    {
        var response = await _gateway.SendAsync("GET /items?id=1%27%20OR%20%271%27=%271 HTTP/1.1\r\n");

        Assert.Equal(403, response.Status);
        Assert.Contains("\r\nConnection: close\r\n", response.Body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task BlockedRequestsSpanCarriesTheDecisionAndTheRules()
    {
        var spans = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        var response = await _gateway.SendAsync("GET /items?id=1%27%20OR%20%271%27=%271 HTTP/1.1\r\n");

        var traceId = System.Text.RegularExpressions.Regex.Match(response.Body, "Correlation id: ([0-9a-f]{32})").Groups[1].Value;
        await InProcessGateway.EventuallyAsync(() => spans.Any(span => span.TraceId.ToHexString() == traceId), "the blocked request's span");
        var blocked = spans.Single(span => span.TraceId.ToHexString() == traceId);
        Assert.Equal(ActivityStatusCode.Error, blocked.Status);
        Assert.Equal("blocked", blocked.GetTagItem("secureflow.waf.action"));
        Assert.Contains("942100", (string?)blocked.GetTagItem("secureflow.waf.rule_ids") ?? "", StringComparison.Ordinal);
        Assert.True((int?)blocked.GetTagItem("secureflow.waf.anomaly_score") >= 5);

        // The block's log line is logged in that trace: the dashboard's structured log links to it.
        var logged = Assert.Single(_gateway.Logs.Entries, entry => entry.Message.StartsWith("WAF Blocked", StringComparison.Ordinal) && entry.Message.Contains(traceId, StringComparison.Ordinal));
        Assert.Equal(traceId, logged.TraceId);
    }

    [Fact]
    public async Task OrdinaryJsonBodyReachesTheBackendUnchanged()
    {
        const string json = """{"name":"delta","items":[1,2,3],"note":"an ordinary order"}""";

        var response = await _gateway.SendAsync("POST /api/orders HTTP/1.1\r\n", "application/json", json);

        Assert.Equal(200, response.Status);
        Assert.Contains(json, response.Body, StringComparison.Ordinal);
        Assert.Equal(1, _gateway.Total(Inspected, ("waf.action", "passed")));
    }

    [Fact]
    public async Task SqlInjectionInAJsonBodyIsBlocked()
    {
        var response = await _gateway.SendAsync("POST /api/orders HTTP/1.1\r\n", "application/json", """{"name":"1' OR '1'='1"}""");

        Assert.Equal(403, response.Status);
        Assert.Equal(0, _backend.Requests);
        Assert.Equal(1, _gateway.Total(RuleMatches, ("waf.rule.id", "942100")));
    }

    [Fact]
    public async Task JsonBodyTheEngineCannotParseGets400AndNeverReachesTheBackend()
    {
        var response = await _gateway.SendAsync("POST /api/orders HTTP/1.1\r\n", "application/json", "{'name': 'lenient parsers read this' /* x */}");

        Assert.Equal(400, response.Status);
        Assert.Matches("Correlation id: [0-9a-f]{32}", response.Body);
        Assert.Equal(0, _backend.Requests);
        Assert.Equal(1, _gateway.Total(RuleMatches, ("waf.rule.id", "200002")));
    }

    [Fact]
    public async Task ChunkedBodyIsInspectedAsItStreams()
    {
        var chunked = "d\r\ncomment=<scri\r\ne\r\npt>alert(1)</s\r\n6\r\ncript>\r\n0\r\n\r\n";

        var response = await _gateway.SendAsync(
            "POST /comments HTTP/1.1\r\nTransfer-Encoding: chunked\r\n", "application/x-www-form-urlencoded", chunked, contentLength: false);

        Assert.Equal(403, response.Status);
        Assert.Equal(0, _backend.Requests);
    }

    [Fact]
    public async Task BodyLargerThanTheInspectionLimitGets413AndNeverReachesTheBackend()
    {
        var response = await _gateway.SendAsync("POST /upload HTTP/1.1\r\n", "text/plain", new string('a', 9000));

        Assert.Equal(413, response.Status);
        Assert.Equal(0, _backend.Requests);
        Assert.Equal(1, _gateway.Total(Blocked, ("waf.action", "body_too_large")));
    }

    [Fact]
    public async Task ChunkedBodyGrowingPastTheLimitGets413()
    {
        var chunk = new string('a', 5000);
        var chunked = $"1388\r\n{chunk}\r\n1388\r\n{chunk}\r\n0\r\n\r\n";

        var response = await _gateway.SendAsync("POST /upload HTTP/1.1\r\nTransfer-Encoding: chunked\r\n", "text/plain", chunked, contentLength: false);

        Assert.Equal(413, response.Status);
        Assert.Equal(0, _backend.Requests);
    }
}
