using SecureFlow.Gateway.Tests.Infrastructure;

namespace SecureFlow.Gateway.Tests.Requests;

/// <summary>
/// What the gateway refuses or drops before its WAF and its backend see a request: header names that can alias another
/// header at the backend, a request that names no host, the asterisk-form target.
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

    private static string[] ReceivedHeaderNames(string response)
    {
        var line = response.Split("\r\n").Single(line => line.StartsWith(EchoBackend.HeaderNamesEcho + ":", StringComparison.OrdinalIgnoreCase));
        return line[(EchoBackend.HeaderNamesEcho.Length + 1)..].Trim().Split(',');
    }
}
