using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using SecureFlow.AppHost.Networking;
using SecureFlow.Contracts.Egress;

namespace SecureFlow.AppHost.Tests.Networking;

/// <summary>
/// The generated configuration, run by the real Squid: a rule means what Azure Firewall's application rule means
/// (exact names, <c>*.</c> subdomains and not the parent, 443 for HTTPS and 80 for HTTP), per source port.
/// </summary>
public sealed class SquidRulesTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly string[] LocalNames = ["api.example.org", "a.contoso.com", "deep.a.contoso.com", "files.fabrikam.com"];

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"secureflow-squid-test-{Guid.NewGuid():N}");
    private readonly ConsoleLines _console = new();
    private EgressLogReceiver? _receiver;
    private Process? _squid;
    private int _workloadPort;
    private int _ingressPort;

    public async ValueTask InitializeAsync()
    {
        (_workloadPort, _ingressPort) = (FreePort(), FreePort());
        EgressSource[] sources =
        [
            new("workload", _workloadPort, [Destination("*.contoso.com"), Destination("files.fabrikam.com:80"), Destination("api.example.org")]),
            new("ingress", _ingressPort, []),
        ];
        _receiver = new EgressLogReceiver(sources, _console);
        _receiver.Start();

        // Hosts entries: names come from them only, so no name used here is looked up outside this machine, and an
        // allowed one leads to a closed loopback port (a quick 503) rather than to a DNS timeout.
        var hosts = LocalNames.ToDictionary(host => host, _ => IPAddress.Loopback);
        var configuration = await SquidConfiguration.WriteAsync(_directory, sources, _receiver.Port, hosts, TestContext.Current.CancellationToken);
        _squid = Process.Start(new ProcessStartInfo("/usr/sbin/squid", ["-N", "-d", "1", "-f", configuration]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        _squid.ErrorDataReceived += (_, _) => { };
        _squid.BeginErrorReadLine();
        _squid.BeginOutputReadLine();
        await WaitUntilListeningAsync(_workloadPort);
    }

    [Theory]
    [InlineData("a.contoso.com")]
    [InlineData("deep.a.contoso.com")]
    [InlineData("api.example.org")]
    public async Task AllowedNameOverHttpsPassesTheFirewall(string host)
    {
        var status = await TunnelStatusAsync(_workloadPort, host);

        Assert.NotEqual(HttpStatusCode.Forbidden, status);
    }

    [Theory]
    [InlineData("contoso.com")]
    [InlineData("evilcontoso.com")]
    [InlineData("contoso.com.evil.net")]
    [InlineData("127.0.0.1")]
    [InlineData("example.org")]
    [InlineData("api.example.org:8443")]
    [InlineData("api.example.org:22")]
    public async Task NameOutsideTheRulesIsDeniedOverHttps(string host)
    {
        var status = await TunnelStatusAsync(_workloadPort, host);

        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Fact]
    public async Task PlainHttpIsAllowedOnlyWhereTheModelSaysPort80()
    {
        using var client = Client(_workloadPort);

        using var allowed = await client.GetAsync(new Uri("http://files.fabrikam.com/"), TestContext.Current.CancellationToken);
        using var httpsOnly = await client.GetAsync(new Uri("http://a.contoso.com/"), TestContext.Current.CancellationToken);
        var tunnelTo443 = await TunnelStatusAsync(_workloadPort, "files.fabrikam.com");

        Assert.False(IsDenial(allowed), $"files.fabrikam.com:80 is allowed, but the firewall answered {allowed.StatusCode}.");
        Assert.True(IsDenial(httpsOnly));
        Assert.Equal(HttpStatusCode.Forbidden, tunnelTo443);
    }

    [Fact]
    public async Task TheSourceIsThePortNotWhatTheRequestSays()
    {
        using var client = Client(_ingressPort);

        // A request that claims to be the workload's, on the ingress's port, is the ingress's.
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://files.fabrikam.com/");
        request.Headers.Add("X-Forwarded-For", "workload");
        request.Headers.Add("Proxy-Authorization", "Basic d29ya2xvYWQ6");
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        var line = await _console.WaitForAsync("HTTP request from ingress");

        Assert.True(IsDenial(response));
        Assert.Contains("Egress denied: ingress may not reach files.fabrikam.com", body, StringComparison.Ordinal);
        Assert.Contains("to files.fabrikam.com:80. Action: Deny. Rule Collection: ingress-egress.", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/squid-internal-mgr/info")]
    [InlineData("/squid-internal-mgr/menu")]
    public async Task TheFirewallsOwnManagerAnswersNoService(string path)
    {
        using var direct = new HttpClient { Timeout = Timeout };
        using var proxied = Client(_workloadPort);

        using var asOrigin = await direct.GetAsync(new Uri($"http://127.0.0.1:{_workloadPort}{path}"), TestContext.Current.CancellationToken);
        using var throughIt = await proxied.GetAsync(new Uri($"http://127.0.0.1:{_workloadPort}{path}"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, asOrigin.StatusCode);
        Assert.True(IsDenial(throughIt));
    }

    public async ValueTask DisposeAsync()
    {
        if (_squid is { HasExited: false })
        {
            _squid.Kill();
            await _squid.WaitForExitAsync().WaitAsync(Timeout);
        }

        _squid?.Dispose();
        if (_receiver is not null)
        {
            await _receiver.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    private static EgressDestination Destination(string value) =>
        EgressDestination.TryParse(value, out var destination, out var error) ? destination : throw new ArgumentException(error);

    private static HttpClient Client(int proxyPort) => new(new SocketsHttpHandler { Proxy = new WebProxy($"http://127.0.0.1:{proxyPort}"), UseProxy = true }) { Timeout = Timeout };

    private static bool IsDenial(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.Forbidden
        && response.Headers.TryGetValues("X-Squid-Error", out var errors)
        && errors.Single().StartsWith("ERR_EGRESS_DENIED_", StringComparison.Ordinal);

    /// <summary>The status of the firewall's answer to a CONNECT for <paramref name="host"/>:443 (200 once the tunnel is up).</summary>
    private static async Task<HttpStatusCode> TunnelStatusAsync(int proxyPort, string host)
    {
        using var client = Client(proxyPort);
        try
        {
            using var response = await client.GetAsync(new Uri($"https://{host}/"), TestContext.Current.CancellationToken);
            return HttpStatusCode.OK;
        }
        catch (HttpRequestException exception) when (exception.HttpRequestError == HttpRequestError.ProxyTunnelError)
        {
            return exception.StatusCode ?? throw new InvalidOperationException("A proxy tunnel error without a status.", exception);
        }
        catch (HttpRequestException)
        {
            // The tunnel was up (the firewall allowed it); what lies behind it is not this test's subject.
            return HttpStatusCode.OK;
        }
    }

    private static async Task WaitUntilListeningAsync(int port)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, port).WaitAsync(Timeout);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The firewall's console, as the dashboard would show it.</summary>
    private sealed class ConsoleLines : ILogger
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _lines.Enqueue(formatter(state, exception));

        public async Task<string> WaitForAsync(string text)
        {
            var deadline = DateTime.UtcNow + Timeout;
            while (true)
            {
                if (_lines.FirstOrDefault(candidate => candidate.Contains(text, StringComparison.Ordinal)) is { } line)
                {
                    return line;
                }

                Assert.True(DateTime.UtcNow < deadline, $"The firewall's console has no line with '{text}'.");
                await Task.Delay(100);
            }
        }
    }
}
