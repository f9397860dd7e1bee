using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SecureFlow.EndToEnd.Tests.Infrastructure;
using SecureFlow.ServiceDefaults.Hops;

namespace SecureFlow.EndToEnd.Tests;

public sealed class ChainTests(SharedApp shared)
{
    private readonly SecureFlowApp _app = shared.App;

    [Fact]
    public async Task RequestWithRightSniReturnsFlowThroughFourTlsHopsTheInClusterOnesMutuallyAuthenticated()
    {
        using var client = _app.CreateClient();

        var flow = await client.GetFromJsonAsync<JsonElement>(_app.EdgeUri("/api/flow"), TestContext.Current.CancellationToken);

        var hops = flow.GetProperty("hops").EnumerateArray().ToList();
        Assert.Equal(["edge", "ingress", "workload", "orders"], hops.Select(hop => hop.GetProperty("hop").GetString()));
        Assert.Equal(SecureFlowApp.PublicHost, hops[0].GetProperty("sni").GetString());
        Assert.Equal(SecureFlowApp.WorkloadHost, hops[1].GetProperty("sni").GetString());
        Assert.Equal(
            ["ingress -> workload", "workload -> orders"],
            hops[2..].Select(hop => $"{Identity(hop, "client")} -> {Identity(hop, "server")}"));
        Assert.All(hops, hop =>
        {
            Assert.True(hop.GetProperty("tlsProtocol").GetString() is "TLSv1.2" or "TLSv1.3");
            Assert.StartsWith("TLS_", hop.GetProperty("cipherSuite").GetString(), StringComparison.Ordinal);
        });
        Assert.Equal("workload", flow.GetProperty("workload").GetProperty("service").GetString());
    }

    [Fact]
    public async Task OneTraceSpansEdgeIngressWorkloadAndTheOrdersItCallsOnEveryFlowRequest()
    {
        var traceId = System.Diagnostics.ActivityTraceId.CreateRandom().ToString();
        using var client = _app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, _app.EdgeUri("/api/flow"));
        request.Headers.Add("traceparent", $"00-{traceId}-{System.Diagnostics.ActivitySpanId.CreateRandom()}-01");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var flow = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.Equal(traceId, flow.GetProperty("workload").GetProperty("traceId").GetString());
        var orders = flow.GetProperty("orders");
        Assert.Equal("orders", orders.GetProperty("service").GetString());
        Assert.Equal(traceId, orders.GetProperty("traceId").GetString());
        Assert.NotEmpty(orders.GetProperty("openOrders").EnumerateArray());
    }

    [Fact]
    public async Task EdgeSendsHstsOnItsResponses()
    {
        using var client = _app.CreateClient();

        using var response = await client.GetAsync(_app.EdgeUri("/api/flow"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("max-age=", Assert.Single(response.Headers.GetValues("Strict-Transport-Security")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HopRecordsSentByTheClientDoNotAppearInTheFlow()
    {
        using var client = _app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, _app.EdgeUri("/api/flow"));
        request.Headers.TryAddWithoutValidation(HopRecord.HeaderName, "hop=forged;tls=TLSv1.3;cipher=TLS_AES_256_GCM_SHA384;sni=forged.example");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "203.0.113.7");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var flow = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.Equal(["edge", "ingress", "workload", "orders"], flow.GetProperty("hops").EnumerateArray().Select(hop => hop.GetProperty("hop").GetString()));
        Assert.DoesNotContain("203.0.113.7", flow.GetProperty("workload").GetProperty("forwardedFor").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.1")]
    [InlineData("2.0")]
    public async Task ForgedClientIdentityHeadersNeverReachTheWorkload(string version)
    {
        using var client = _app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, _app.EdgeUri("/api/flow"))
        {
            Version = Version.Parse(version),
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        string[] forged = ["Forwarded", "X-Real-IP", "X-Original-For", "X-Client-IP", "True-Client-IP", "X-Original-URL", "X-Rewrite-URL", "X-HTTP-Method-Override"];
        foreach (var header in forged)
        {
            request.Headers.TryAddWithoutValidation(header, header == "Forwarded" ? "for=203.0.113.7;host=evil.example" : "203.0.113.7");
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var flow = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Version.Parse(version), response.Version);
        var received = flow.GetProperty("workload").GetProperty("headerNames").EnumerateArray().Select(name => name.GetString()).ToList();
        Assert.Contains("X-Forwarded-For", received, StringComparer.OrdinalIgnoreCase);
        Assert.Empty(forged.Intersect(received, StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task RequestWhoseHostDiffersFromSniGets421()
    {
        await using var stream = await TlsClients.HandshakeAsync(_app.EdgePort, _app.Root, SecureFlowApp.PublicHost);

        var status = await TlsClients.SendAsync(stream, "other.secureflow.localhost", "/api/flow");

        Assert.Equal(StatusCodes.MisdirectedRequest, status);
    }

    [Fact]
    public async Task RequestWhoseHostNamesAPortTheClientDidNotDialGets421()
    {
        await using var stream = await TlsClients.HandshakeAsync(_app.EdgePort, _app.Root, SecureFlowApp.PublicHost);

        var status = await TlsClients.SendAsync(stream, $"{SecureFlowApp.PublicHost}:1", "/api/flow");

        Assert.Equal(StatusCodes.MisdirectedRequest, status);
    }

    [Fact]
    public async Task RequestWhoseHostNamesTheEdgesPortGoesThroughTheIngress()
    {
        await using var stream = await TlsClients.HandshakeAsync(_app.EdgePort, _app.Root, SecureFlowApp.PublicHost);

        var status = await TlsClients.SendAsync(stream, $"{SecureFlowApp.PublicHost}:{_app.EdgePort}", "/api/flow");

        Assert.Equal(200, status);
    }

    [Fact]
    public async Task IngressRefusesTheEdgesPublicHostName()
    {
        var refused = await Record.ExceptionAsync(() => TlsClients.HandshakeAsync(_app.IngressPort, _app.Root, SecureFlowApp.PublicHost));

        Assert.NotNull(refused);
    }

    /// <summary>The service a hop's SPIFFE id names: <c>spiffe://secureflow.localhost/ns/secureflow/sa/orders</c> is <c>orders</c>.</summary>
    private static string Identity(JsonElement hop, string side)
    {
        var id = hop.GetProperty(side).GetString()!;
        Assert.StartsWith("spiffe://secureflow.localhost/ns/secureflow/sa/", id, StringComparison.Ordinal);
        return id[(id.LastIndexOf('/') + 1)..];
    }

    private static class StatusCodes
    {
        public const int MisdirectedRequest = 421;
    }
}
