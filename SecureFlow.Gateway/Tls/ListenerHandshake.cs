using System.Net.Security;
using System.Security.Authentication;
using Microsoft.Extensions.Options;
using SecureFlow.Gateway.Certificates;
using SecureFlow.ServiceDefaults.Tls;

namespace SecureFlow.Gateway.Tls;

/// <summary>
/// What a gateway's TLS listener does with a handshake: the model's TLS policy (<see cref="KestrelTlsPolicy"/>) plus
/// strict SNI over the gateway's certificates. It names the refusal a ClientHello will meet, so that each refusal is
/// counted by reason, and gives the server options for a handshake that may go ahead.
/// </summary>
public sealed class ListenerHandshake(KestrelTlsPolicy policy, SniCertificateSelector certificates, IOptions<GatewayOptions> gateway)
{
    public KestrelTlsPolicy Policy { get; } = policy;

    public SniCertificateSelector Certificates { get; } = certificates;

    /// <summary>What ALPN offers: HTTP/2 only where the model lets the listener speak it, so that no client negotiates a protocol Kestrel refuses.</summary>
    private readonly List<SslApplicationProtocol> applicationProtocols = gateway.Value.Https.Http2
        ? [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11]
        : [SslApplicationProtocol.Http11];

    /// <summary>The refusal a ClientHello will meet under this policy, or null if the handshake can go ahead.</summary>
    public HandshakeRefusal? Classify(ClientHello hello)
    {
        ArgumentNullException.ThrowIfNull(hello);

        var common = hello.OfferedProtocols & Policy.Protocols;
        if (common == SslProtocols.None)
        {
            return HandshakeRefusal.Protocol;
        }

        if (string.IsNullOrEmpty(hello.ServerName))
        {
            return HandshakeRefusal.MissingSni;
        }

        if (Certificates.Select(hello.ServerName) is null)
        {
            return HandshakeRefusal.UnknownSni;
        }

        var negotiable = common.HasFlag(SslProtocols.Tls13) ? Policy.Tls13CipherSuites : Policy.Tls12CipherSuites;
        return negotiable.Any(hello.CipherSuites.Contains) ? null : HandshakeRefusal.Cipher;
    }

    /// <summary>The server options for a handshake whose SNI name has been read; throws to refuse it.</summary>
    public SslServerAuthenticationOptions CreateServerOptions(string? serverName)
    {
        var certificate = Certificates.Select(serverName) ?? throw new AuthenticationException(
            string.IsNullOrEmpty(serverName)
                ? "TLS handshake refused: the client sent no SNI name."
                : $"TLS handshake refused: no certificate for SNI name '{serverName}'.");

        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = certificate,
            ClientCertificateRequired = false,
            ApplicationProtocols = applicationProtocols,
        };
        Policy.Apply(options);
        return options;
    }
}
