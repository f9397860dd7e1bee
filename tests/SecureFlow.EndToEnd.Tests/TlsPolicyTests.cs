using System.Net.Security;
using System.Runtime.Versioning;
using System.Security.Authentication;
using SecureFlow.EndToEnd.Tests.Infrastructure;

namespace SecureFlow.EndToEnd.Tests;

/// <summary>The edge's TLS policy, held against real clients: .NET's SslStream and the openssl command line.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class TlsPolicyTests(SharedApp shared)
{
    private readonly SecureFlowApp _app = shared.App;

    [Fact]
    public async Task HandshakeWithoutSniIsRefused()
    {
        var mark = _app.Logs.Mark("edge");

        var refusal = await Record.ExceptionAsync(() => TlsClients.HandshakeAsync(_app.EdgePort, _app.Root, serverName: null));

        Assert.True(refusal is AuthenticationException or IOException, $"Expected a refused handshake, got {refusal?.GetType().Name ?? "a handshake"}.");
        await _app.Logs.WaitForAsync("edge", mark, "refused: MissingSni");
    }

    [Fact]
    public async Task HandshakeForUnknownSniIsRefused()
    {
        var unknown = $"unknown-{Guid.NewGuid():N}.secureflow.localhost";
        var mark = _app.Logs.Mark("edge");

        var refusal = await Record.ExceptionAsync(() => TlsClients.HandshakeAsync(_app.EdgePort, _app.Root, unknown));

        Assert.True(refusal is AuthenticationException or IOException, $"Expected a refused handshake, got {refusal?.GetType().Name ?? "a handshake"}.");
        await _app.Logs.WaitForAsync("edge", mark, $"refused: UnknownSni (SNI '{unknown}')");
    }

    [Fact]
    public async Task Tls11HandshakeIsRefusedWithProtocolVersionAlert()
    {
        var mark = _app.Logs.Mark("edge");

        // The openssl client itself refuses TLS 1.1 at its default security level; level 0 lets it offer it.
        var output = await OpenSslClientAsync("-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0");

        Assert.Contains("alert protocol version", output, StringComparison.Ordinal);
        await _app.Logs.WaitForAsync("edge", mark, "refused: Protocol");
    }

    [Fact]
    public async Task Tls12CipherOutsideThePolicyIsRefused()
    {
        var mark = _app.Logs.Mark("edge");
        var cbcOnly = new CipherSuitesPolicy([TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256]);

        var refusal = await Record.ExceptionAsync(() =>
            TlsClients.HandshakeAsync(_app.EdgePort, _app.Root, SecureFlowApp.PublicHost, SslProtocols.Tls12, cbcOnly));

        Assert.True(refusal is AuthenticationException or IOException, $"Expected a refused handshake, got {refusal?.GetType().Name ?? "a handshake"}.");
        await _app.Logs.WaitForAsync("edge", mark, "refused: Cipher");
    }

    [Fact]
    public async Task Tls12WithAnAllowedCipherSucceeds()
    {
        var gcm = new CipherSuitesPolicy([TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384]);

        await using var stream = await TlsClients.HandshakeAsync(_app.EdgePort, _app.Root, SecureFlowApp.PublicHost, SslProtocols.Tls12, gcm);

        Assert.Equal(SslProtocols.Tls12, stream.SslProtocol);
        Assert.Equal(TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, stream.NegotiatedCipherSuite);
    }

    private Task<string> OpenSslClientAsync(params string[] options) => ExternalTool.RunAsync(
        "openssl", ["s_client", "-connect", $"127.0.0.1:{_app.EdgePort}", "-servername", SecureFlowApp.PublicHost, .. options]);
}
