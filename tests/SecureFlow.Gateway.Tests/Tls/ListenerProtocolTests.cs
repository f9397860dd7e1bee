using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using SecureFlow.Gateway.Tests.Infrastructure;
using SecureFlow.ServiceDefaults.Tls;

namespace SecureFlow.Gateway.Tests.Tls;

/// <summary>The listener speaks the protocols the model gives it: HTTP/2 and HTTP/1.1 by default, HTTP/1.1 only when HTTP/2 is off.</summary>
public sealed class ListenerProtocolTests
{
    [Fact]
    public async Task ClientOfferingHttp2GetsHttp2ByDefault()
    {
        await using var gateway = await InProcessGateway.StartAsync();

        Assert.Equal(SslApplicationProtocol.Http2, await NegotiatedProtocolAsync(gateway));
    }

    [Fact]
    public async Task ClientOfferingHttp2GetsHttp11WhenTheModelTurnsHttp2Off()
    {
        await using var gateway = await InProcessGateway.StartAsync(_ => new() { ["Gateway:Https:Http2"] = "false" });

        Assert.Equal(SslApplicationProtocol.Http11, await NegotiatedProtocolAsync(gateway));
        var (_, response) = await gateway.SendAsync("GET / HTTP/1.1\r\n");
        Assert.StartsWith("HTTP/1.1 ", response, StringComparison.Ordinal);
    }

    /// <summary>What ALPN settles on when a browser-like client offers h2 first, then http/1.1.</summary>
    private static async Task<SslApplicationProtocol> NegotiatedProtocolAsync(InProcessGateway gateway)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, gateway.HttpsPort).WaitAsync(InProcessGateway.Timeout);
        await using var stream = new SslStream(client.GetStream());
        await stream.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = InProcessGateway.HostName,
            CertificateChainPolicy = TrustedRootPolicy.TrustingOnly(gateway.Root),
            ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
        }).WaitAsync(InProcessGateway.Timeout);
        return stream.NegotiatedApplicationProtocol;
    }
}
