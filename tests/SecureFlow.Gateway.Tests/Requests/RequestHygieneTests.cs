using System.Globalization;
using System.Net;
using SecureFlow.Gateway.Tests.Infrastructure;

namespace SecureFlow.Gateway.Tests.Requests;

/// <summary>
/// What the gateway refuses or drops before its WAF and its backend see a request: header names that can alias another
/// header at the backend, a request that names no host, the asterisk-form target, and a Host (HTTP/1.1, in any
/// request-target form) or :authority (HTTP/2) that names the SNI host on a port the client did not dial. The client
/// dialled none or 443 (the https default, what a client behind a Kubernetes Service on 443 sends) or the listener's
/// own port; any other port gets 421 and never reaches the backend, where it would arrive in X-Forwarded-Host.
/// </summary>
public sealed class RequestHygieneTests : IAsyncLifetime
{
    private EchoBackend _backend = null!;
    private InProcessGateway _gateway = null!;

    public async ValueTask InitializeAsync()
    {
        _backend = await EchoBackend.StartAsync();
        _gateway = await InProcessGateway.StartAsync(_ => _backend.Route());
    }

    public async ValueTask DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task HeaderNamesThatCanAliasAnotherHeaderNeverReachTheBackend()
    {
        var response = await _gateway.SendAsync(
            "GET /api/flow HTTP/1.1\r\nX_Forwarded_For: 203.0.113.9\r\nSecureFlow_Hop: hop=forged\r\nX.Filename: a.php\r\nX-Request-Tag: kept\r\n");

        Assert.Equal(200, response.Status);
        var received = ReceivedHeaderNames(response.Body);
        Assert.Contains("X-Request-Tag", received, StringComparer.OrdinalIgnoreCase);
        Assert.DoesNotContain(received, name => name.Contains('_', StringComparison.Ordinal) || name.Contains('.', StringComparison.Ordinal));
        Assert.Equal(3, _gateway.Total("secureflow.gateway.dropped_request_headers"));
        Assert.Contains(_gateway.Logs.Entries, entry => entry.Message.Contains("Dropped request header X_Forwarded_For", StringComparison.Ordinal));
        Assert.DoesNotContain(_gateway.Logs.Entries, entry => entry.Message.Contains("203.0.113.9", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RequestWithoutHostGets400AndNeverReachesTheBackend()
    {
        var response = await _gateway.SendAsync("GET /api/flow HTTP/1.0\r\n", host: null);

        Assert.Equal(400, response.Status);
        Assert.Equal(0, _backend.Requests);
    }

    [Fact]
    public async Task AsteriskFormGets400InsteadOfBeingForwardedAsARequestForTheRoot()
    {
        var response = await _gateway.SendAsync("OPTIONS * HTTP/1.1\r\n");

        Assert.Equal(400, response.Status);
        Assert.Equal(0, _backend.Requests);
    }

    [Fact]
    public async Task HostWithAPortTheClientDidNotDialGets421AndIsNotForwarded()
    {
        var response = await _gateway.SendAsync("GET /api/flow HTTP/1.1\r\n", host: InProcessGateway.HostName + ":1");

        Assert.Equal(421, response.Status);
        Assert.Equal(0, _backend.Requests);
        Assert.Equal(1, _gateway.Total("secureflow.gateway.misdirected_requests"));
    }

    [Theory]
    [InlineData("{1}")]
    [InlineData("80")]
    [InlineData("0{0}")]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("65979")]
    [InlineData("{0}:{0}")]
    public async Task HostWithAnyOtherSpellingOfAPortIsNotForwarded(string port)
    {
        var host = $"{InProcessGateway.HostName}:{string.Format(CultureInfo.InvariantCulture, port, _gateway.HttpsPort, _gateway.HttpsPort + 1)}";

        var response = await _gateway.SendAsync("GET /api/flow HTTP/1.1\r\n", host: host);

        Assert.Contains(response.Status, (int[])[400, 421]);
        Assert.Equal(0, _backend.Requests);
    }

    [Theory]
    [InlineData("")]
    [InlineData(":443")]
    [InlineData(":{0}")]
    public async Task HostWithoutAPortWithTheDefaultOrWithTheListenersPortIsForwarded(string port)
    {
        var host = InProcessGateway.HostName + string.Format(CultureInfo.InvariantCulture, port, _gateway.HttpsPort);

        var response = await _gateway.SendAsync("GET /api/flow HTTP/1.1\r\n", host: host);

        Assert.Equal(200, response.Status);
        Assert.Equal(1, _backend.Requests);
    }

    [Fact]
    public async Task AbsoluteFormTargetWithAnotherPortGets421()
    {
        var authority = InProcessGateway.HostName + ":1";

        var response = await _gateway.SendAsync($"GET https://{authority}/api/flow HTTP/1.1\r\n", host: authority);

        Assert.Equal(421, response.Status);
        Assert.Equal(0, _backend.Requests);
    }

    [Fact]
    public async Task AbsoluteFormTargetNamingAnotherHostIsNotForwarded()
    {
        var response = await _gateway.SendAsync("GET https://other.secureflow.localhost/api/flow HTTP/1.1\r\n");

        Assert.Contains(response.Status, (int[])[400, 421]);
        Assert.Equal(0, _backend.Requests);
    }

    [Fact]
    public async Task AbsoluteFormTargetNamingTheSniHostIsForwarded()
    {
        var response = await _gateway.SendAsync($"GET https://{InProcessGateway.HostName}/api/flow HTTP/1.1\r\n");

        Assert.Equal(200, response.Status);
        Assert.Equal(1, _backend.Requests);
    }

    [Fact]
    public async Task Http2AuthorityWithAPortTheClientDidNotDialGets421()
    {
        using var client = _gateway.CreateHttp2Client();

        using var response = await client.GetAsync(new Uri($"https://{InProcessGateway.HostName}:1/api/flow"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal(HttpStatusCode.MisdirectedRequest, response.StatusCode);
        Assert.Equal(0, _backend.Requests);
    }

    [Fact]
    public async Task Http2AuthorityWithTheListenersPortIsForwarded()
    {
        using var client = _gateway.CreateHttp2Client();

        using var response = await client.GetAsync(_gateway.Uri("/api/flow"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, _backend.Requests);
    }

    private static string[] ReceivedHeaderNames(string response)
    {
        var line = response.Split("\r\n").Single(line => line.StartsWith(EchoBackend.HeaderNamesEcho + ":", StringComparison.OrdinalIgnoreCase));
        return line[(EchoBackend.HeaderNamesEcho.Length + 1)..].Trim().Split(',');
    }
}
