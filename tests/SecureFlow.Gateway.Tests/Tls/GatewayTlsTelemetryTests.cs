using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Authentication;
using System.Text;
using SecureFlow.Gateway.Tests.Infrastructure;

namespace SecureFlow.Gateway.Tests.Tls;

/// <summary>Every handshake outcome is counted: completed ones by protocol and cipher, refused ones by reason.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class GatewayTlsTelemetryTests : IAsyncLifetime
{
    private const string Handshakes = "secureflow.gateway.tls.handshakes";
    private const string Refused = "secureflow.gateway.tls.refused_handshakes";

    private InProcessGateway _gateway = null!;

    public async ValueTask InitializeAsync() => _gateway = await InProcessGateway.StartAsync();

    public ValueTask DisposeAsync() => _gateway.DisposeAsync();

    [Fact]
    public async Task CompletedHandshakeIsCountedByProtocolAndCipher()
    {
        var gcm = new CipherSuitesPolicy([TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]);
        await using (await _gateway.HandshakeAsync(InProcessGateway.HostName, SslProtocols.Tls12, gcm))
        {
            await InProcessGateway.EventuallyAsync(() => _gateway.Total(Handshakes,
                ("secureflow.gateway", "edge"), ("tls.protocol.version", "TLSv1.2"), ("tls.cipher", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")) == 1, "the handshake count");
        }
    }

    [Fact]
    public Task HandshakeWithoutSniIsCountedAsMissingSni() => AssertRefusedAsync("missing_sni", () => _gateway.HandshakeAsync(null));

    [Fact]
    public Task HandshakeForAnotherNameIsCountedAsUnknownSni() => AssertRefusedAsync("unknown_sni", () => _gateway.HandshakeAsync("other.secureflow.localhost"));

    [Theory]
    [InlineData("a..secureflow.localhost")]
    [InlineData(".secureflow.localhost")]
    [InlineData("delta.secureflow.localhost.")]
    [InlineData("127.0.0.1")]
    [InlineData("[::1]")]
    [InlineData("*")]
    [InlineData("*.secureflow.localhost")]
    [InlineData("delta_secureflow.localhost")]
    [InlineData("delta.secureflow.localhost:8443")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.secureflow.localhost")]
    [InlineData("d\u00e9lta.secureflow.localhost")]
    [InlineData("xn--dlta-bsa.secureflow.localhost")]
    public async Task SniThatIsNotAHostNameOfTheGatewayIsRefusedAsUnknownSniCountedAndLoggedOnce(string serverName)
    {
        var output = await Openssl.RunAsync("s_client", "-connect", $"127.0.0.1:{_gateway.HttpsPort}", "-servername", serverName);

        Assert.DoesNotContain("Unable to set TLS servername", output, StringComparison.Ordinal);
        await InProcessGateway.EventuallyAsync(() => _gateway.Total(Refused, ("secureflow.gateway", "edge"), ("reason", "unknown_sni")) == 1, "an 'unknown_sni' refusal");
        Assert.Equal(0, _gateway.Total(Handshakes));
        Assert.DoesNotContain(_gateway.Logs.Entries, entry => entry.Level >= Microsoft.Extensions.Logging.LogLevel.Error);
        Assert.Single(_gateway.Logs.Entries, entry => entry.Message.Contains("refused: UnknownSni", StringComparison.Ordinal));
    }

    [Fact]
    public Task HandshakeWithCipherOutsideThePolicyIsCountedAsCipher() => AssertRefusedAsync("cipher", () => _gateway.HandshakeAsync(
        InProcessGateway.HostName, SslProtocols.Tls12, new CipherSuitesPolicy([TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384])));

    [Fact]
    public Task GarbageIsCountedAsMalformed() => AssertRefusedAsync("malformed", async () =>
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, _gateway.HttpsPort);
        await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
        _ = await client.GetStream().ReadAsync(new byte[16]);
        throw new IOException("closed");
    });

    [Fact]
    public async Task Tls11IsCountedAsProtocol()
    {
        await Process("openssl", $"s_client -connect 127.0.0.1:{_gateway.HttpsPort} -servername {InProcessGateway.HostName} -tls1_1 -cipher DEFAULT@SECLEVEL=0");

        await InProcessGateway.EventuallyAsync(() => _gateway.Total(Refused, ("reason", "protocol")) == 1, "a protocol refusal");
    }

    [Fact]
    public async Task HostOtherThanSniIsAnsweredWith421AndCounted()
    {
        await using var stream = await _gateway.HandshakeAsync(InProcessGateway.HostName);
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: other.secureflow.localhost\r\nConnection: close\r\n\r\n"), TestContext.Current.CancellationToken);
        using var reader = new StreamReader(stream);

        var status = await reader.ReadLineAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(InProcessGateway.Timeout, TestContext.Current.CancellationToken);

        Assert.StartsWith("HTTP/1.1 421", status, StringComparison.Ordinal);
        Assert.Equal(1, _gateway.Total("secureflow.gateway.misdirected_requests", ("secureflow.gateway", "edge")));
    }

    [Fact]
    public async Task ManagementListenerServesHealthAndNothingElse()
    {
        using var client = new HttpClient { Timeout = InProcessGateway.Timeout };

        using var health = await client.GetAsync(new Uri($"http://localhost:{_gateway.ManagementPort}/health"), TestContext.Current.CancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://localhost:{_gateway.ManagementPort}/api/flow"));
        request.Headers.Host = InProcessGateway.HostName;
        using var proxied = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, proxied.StatusCode);
    }

    private async Task AssertRefusedAsync(string reason, Func<Task> attempt)
    {
        var failure = await Record.ExceptionAsync(attempt);

        Assert.True(failure is AuthenticationException or IOException, $"Expected a refusal, got {failure?.GetType().Name ?? "success"}.");
        await InProcessGateway.EventuallyAsync(() => _gateway.Total(Refused, ("secureflow.gateway", "edge"), ("reason", reason)) == 1, $"a '{reason}' refusal");
        Assert.Equal(0, _gateway.Total(Handshakes));
    }

    private static async Task Process(string fileName, string arguments)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(fileName, arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        process.StandardInput.Close();
        await process.WaitForExitAsync().WaitAsync(InProcessGateway.Timeout);
    }
}
