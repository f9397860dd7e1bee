using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SecureFlow.EndToEnd.Tests.Infrastructure;

namespace SecureFlow.EndToEnd.Tests;

/// <summary>
/// An attacker's probes of the edge, black box, through the real chain (docs/security.md lists them with what was
/// observed): each is refused or made harmless, nothing refused reaches the workload, and the next good request succeeds.
/// The workload's responses carry <c>Server: Kestrel</c> and the gateways' carry no Server header, so a response without
/// it never came from the workload.
/// </summary>
public sealed class AttackProbeTests(SharedApp shared)
{
    private const string Host = SecureFlowApp.PublicHost;

    private readonly SecureFlowApp _app = shared.App;

    [Fact]
    public async Task BytesSmuggledAfterAChunkedBodyThatAlsoClaimsAContentLengthNeverBecomeASecondRequest()
    {
        // CL.TE: a front end that trusted Content-Length (4) would leave the chunked terminator and the GET behind as the next request.
        var smuggled = $"GET /api/flow HTTP/1.1\r\nHost: {Host}\r\n\r\n";
        var (status, response) = await SendAsync(
            $"POST /api/flow HTTP/1.1\r\nHost: {Host}\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{{}}\r\n0\r\n\r\n{smuggled}");

        Assert.Equal(200, status);
        Assert.Equal(1, CountOccurrences(response, "HTTP/1.1 "));
        Assert.Contains("Connection: close", response, StringComparison.OrdinalIgnoreCase);
        await AssertEdgeServesAsync();
    }

    [Theory]
    [InlineData("Transfer-Encoding: xchunked\r\n")]
    [InlineData("Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n")]
    [InlineData("Transfer-Encoding : chunked\r\n")]
    [InlineData("Content-Length: 2\r\nContent-Length: 7\r\n")]
    [InlineData("Content-Length: 2, 2\r\n")]
    public async Task AmbiguousBodyFramingGets400AndNeverReachesTheWorkload(string framing)
    {
        var (status, response) = await SendAsync(
            $"POST /api/flow HTTP/1.1\r\nHost: {Host}\r\nContent-Type: application/json\r\n{framing}Connection: close\r\n\r\n2\r\n{{}}\r\n0\r\n\r\n");

        AssertRefused(400, status, response);
        await AssertEdgeServesAsync();
    }

    [Theory]
    [InlineData("X-Probe: a\r\n b\r\n")]
    [InlineData("X-Probe: a\0b\r\n")]
    [InlineData("X-Probe: a\rb\r\n")]
    [InlineData("X-Probe: a\r\n Transfer-Encoding: chunked\r\n")]
    public async Task FoldedHeadersAndControlCharactersInHeaderValuesGet400(string header)
    {
        var (status, response) = await SendAsync($"GET /api/flow HTTP/1.1\r\nHost: {Host}\r\n{header}Connection: close\r\n\r\n");

        AssertRefused(400, status, response);
        await AssertEdgeServesAsync();
    }

    [Theory]
    [InlineData("http://other.example/api/flow", Host, 400)]
    [InlineData("http://other.example/api/flow", "other.example", 421)]
    [InlineData("https://" + SecureFlowApp.WorkloadHost + "/api/flow", Host, 400)]
    public async Task AbsoluteFormTargetNamingAnotherHostNeverReachesTheWorkload(string target, string host, int expected)
    {
        var (status, response) = await SendAsync($"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");

        AssertRefused(expected, status, response);
        await AssertEdgeServesAsync();
    }

    [Theory]
    [InlineData("/x/..%2fapi/flow")]
    [InlineData("/x/%2e%2e/api/flow")]
    [InlineData("/x/.%2e/api/flow")]
    [InlineData("/x/%252e%252e/api/flow")]
    [InlineData("/x/%c0%ae%c0%ae/api/flow")]
    [InlineData("/api/flow#/../x")]
    public async Task EncodedPathTraversalIsBlockedByTheWafBeforeTheWorkload(string path)
    {
        var (status, response) = await SendAsync($"GET {path} HTTP/1.1\r\nHost: {Host}\r\nConnection: close\r\n\r\n");

        AssertRefused(403, status, response);
        await AssertEdgeServesAsync();
    }

    [Theory]
    [InlineData("/api%2fflow")]
    [InlineData("/api/%2566low")]
    [InlineData("/api/flow;x=1")]
    public async Task EncodedSeparatorsReachTheWorkloadStillEncodedAndRouteNowhere(string path)
    {
        // What the WAF passed is what the workload routes: %2F is not decoded into '/', nor %25 twice, nor ';' stripped.
        var (status, response) = await SendAsync($"GET {path} HTTP/1.1\r\nHost: {Host}\r\nConnection: close\r\n\r\n");

        Assert.Equal(404, status);
        Assert.True(FromWorkload(response), response);
    }

    [Theory]
    [InlineData("TRACE /api/flow")]
    [InlineData("TRACK /api/flow")]
    [InlineData("PROPFIND /api/flow")]
    [InlineData("CONNECT /api/flow")]
    [InlineData("get /api/flow")]
    public async Task MethodsOutsideTheWafPolicyGet403(string requestLine)
    {
        var (status, response) = await SendAsync($"{requestLine} HTTP/1.1\r\nHost: {Host}\r\nConnection: close\r\n\r\n");

        AssertRefused(403, status, response);
        await AssertEdgeServesAsync();
    }

    [Fact]
    public async Task H2cUpgradeIsNotHonouredAndTheWorkloadSeesPlainHttp11()
    {
        var (status, response) = await SendAsync(
            $"GET /api/flow HTTP/1.1\r\nHost: {Host}\r\nConnection: Upgrade, HTTP2-Settings, close\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n");

        Assert.Equal(200, status);
        Assert.Contains("\"protocol\":\"HTTP/1.1\"", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedChunkedBodyGets400WithoutTheGatewaysInternals()
    {
        // A bare LF after the chunk size: Kestrel refuses it while the WAF reads the body.
        var (status, response) = await SendAsync(
            $"POST /api/flow HTTP/1.1\r\nHost: {Host}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\n{{}}\r\n0\r\n\r\n");

        AssertRefused(400, status, response);
        Assert.DoesNotContain("Exception", response, StringComparison.Ordinal);
        Assert.DoesNotContain("SecureFlow.", response, StringComparison.Ordinal);
        await AssertEdgeServesAsync();
    }

    [Fact]
    public async Task BodyTrickledSlowerThanKestrelsMinimumRateGets408()
    {
        await using var stream = await TlsClients.HandshakeAsync(_app.EdgePort, _app.Root, Host);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /api/flow HTTP/1.1\r\nHost: {Host}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"), TestContext.Current.CancellationToken);
        using var reader = new StreamReader(stream, Encoding.Latin1, leaveOpen: true);
        var statusLine = reader.ReadLineAsync(TestContext.Current.CancellationToken).AsTask();
        while (!statusLine.IsCompleted)
        {
            // One byte a second, far below the 240 bytes/s Kestrel requires after its grace period.
            if (!await RawHttp2.TryWriteAsync(stream, " "u8.ToArray()))
            {
                break;
            }

            await Task.WhenAny(statusLine, Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken));
        }

        Assert.StartsWith("HTTP/1.1 408", await statusLine.WaitAsync(SecureFlowApp.RequestTimeout, TestContext.Current.CancellationToken), StringComparison.Ordinal);
        await AssertEdgeServesAsync();
    }

    [Fact]
    public async Task NonHttpBytesAfterAGoodHandshakeGet400()
    {
        var (status, response) = await TlsClients.SendRawAsync(_app, [.. Enumerable.Range(0, 1024).Select(value => (byte)value)]);

        AssertRefused(400, status, response);
        await AssertEdgeServesAsync();
    }

    [Theory]
    [InlineData(101, 0, 431)]
    [InlineData(0, 9000, 414)]
    public async Task TooManyHeadersOrATooLongTargetAreRefusedByKestrel(int headers, int queryLength, int expected)
    {
        var extra = string.Concat(Enumerable.Range(0, headers).Select(index => $"X-Probe-{index}: v\r\n"));
        var (status, response) = await SendAsync(
            $"GET /api/flow?q={new string('a', queryLength)} HTTP/1.1\r\nHost: {Host}\r\n{extra}Connection: close\r\n\r\n");

        AssertRefused(expected, status, response);
        await AssertEdgeServesAsync();
    }

    [Theory]
    [InlineData("api/flow")]
    [InlineData("*")]
    [InlineData("https://other.example/api/flow")]
    public async Task Http2PathThatIsNotAnOriginFormTargetIsReset(string path)
    {
        Assert.Equal("reset 1", await RawHttp2.SendAsync(_app, RawHttp2.Get(path)));
        await AssertEdgeServesAsync();
    }

    [Theory]
    [InlineData("connection", "keep-alive", "goaway 1")]
    [InlineData("te", "gzip", "goaway 1")]
    [InlineData("upper-Case", "1", "goaway 1")]
    [InlineData("transfer-encoding", "chunked", "status 403")]
    public async Task Http2ConnectionSpecificOrUppercaseHeadersAreRefused(string name, string value, string expected)
    {
        Assert.Equal(expected, await RawHttp2.SendAsync(_app, [.. RawHttp2.Get(), (name, value)]));
        await AssertEdgeServesAsync();
    }

    [Fact]
    public async Task Http2AuthorityThatDiffersFromSniGets421()
    {
        Assert.Equal("status 421", await RawHttp2.SendAsync(_app, RawHttp2.Get(authority: "other.secureflow.localhost")));
        Assert.Equal("status 421", await RawHttp2.SendAsync(_app, [.. RawHttp2.Get(authority: "other.secureflow.localhost"), ("host", Host)]));
        await AssertEdgeServesAsync();
    }

    /// <summary>
    /// Kestrel ends a connection with ENHANCE_YOUR_CALM once reset streams it is still working on pile up; whether they
    /// pile up depends on how fast the edge finishes each one, so the test asserts what must hold either way: a
    /// connection the edge ends is ended that way, and the edge serves the next client.
    /// </summary>
    [Fact]
    public async Task Http2RapidResetLeavesTheEdgeServing()
    {
        const int Streams = 10_000, Burst = 250;
        var written = 0;
        await using (var stream = await RawHttp2.ConnectAsync(_app))
        {
            // 250 opened-and-reset streams per write: they reach the edge faster than it can finish them.
            while (written < Streams)
            {
                var burst = Enumerable.Range(written, Burst).Select(index => 1 + (2 * index))
                    .SelectMany(id => (byte[])[.. RawHttp2.HeadersFrame(id, RawHttp2.Get()), .. RawHttp2.ResetFrame(id)]);
                if (!await RawHttp2.TryWriteAsync(stream, [.. burst]))
                {
                    break;
                }

                written += Burst;
            }

            if (written < Streams)
            {
                Assert.True(await DrainAsync(stream) is "goaway 11" or "closed");
            }
        }

        await AssertEdgeServesAsync();
    }

    [Fact]
    public async Task Http2ContinuationFloodEndsTheConnectionAndTheEdgeKeepsServing()
    {
        await using var stream = await RawHttp2.ConnectAsync(_app);
        var fields = Enumerable.Range(0, 500).Select(index => ($"x-flood-{index}", "v")).ToArray();
        var ended = !await RawHttp2.TryWriteAsync(stream, RawHttp2.HeadersFrame(1, RawHttp2.Get(), endHeaders: false));
        for (var frame = 0; frame < 2_000 && !ended; frame++)
        {
            ended = !await RawHttp2.TryWriteAsync(stream, RawHttp2.ContinuationFrame(1, fields));
        }

        Assert.True(ended || await DrainAsync(stream) is not null, "The edge kept reading an endless header block.");
        await AssertEdgeServesAsync();
    }

    /// <summary>Reads what the edge sends until it ends the connection, and returns how it ended it.</summary>
    private static async Task<string> DrainAsync(Stream stream)
    {
        string outcome;
        do
        {
            outcome = await RawHttp2.OutcomeAsync(stream);
        }
        while (!outcome.StartsWith("goaway", StringComparison.Ordinal) && outcome != "closed");
        return outcome;
    }

    private static int CountOccurrences(string text, string value) => (text.Length - text.Replace(value, "", StringComparison.Ordinal).Length) / value.Length;

    private Task<(int Status, string Response)> SendAsync(string request) => TlsClients.SendRawAsync(_app, Encoding.Latin1.GetBytes(request));

    private static bool FromWorkload(string response) => response.Contains("\r\nServer: Kestrel\r\n", StringComparison.OrdinalIgnoreCase);

    private static void AssertRefused(int expected, int status, string response)
    {
        Assert.Equal(expected, status);
        Assert.False(FromWorkload(response), $"The workload answered a request the edge should have refused:\n{response}");
    }

    private async Task AssertEdgeServesAsync()
    {
        using var client = _app.CreateClient();
        var flow = await client.GetFromJsonAsync<JsonElement>(_app.EdgeUri("/api/flow"), TestContext.Current.CancellationToken);
        Assert.Equal(["edge", "ingress", "workload", "orders"], flow.GetProperty("hops").EnumerateArray().Select(hop => hop.GetProperty("hop").GetString()));
    }
}
