using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using SecureFlow.Gateway.Tls;
using SecureFlow.ServiceDefaults.Hops;

namespace SecureFlow.Gateway.Transforms;

/// <summary>
/// What this hop's <see cref="HopRecord"/> says of a connection: its TLS protocol, cipher suite, SNI name and the
/// certificate the hop presented, which are the same for every request on it. Formatted once, when the handshake
/// completes, and kept with the connection; each request adds only its WAF decision (<see cref="HopRecord.WithWaf"/>).
/// </summary>
internal sealed class ConnectionHopRecord(string value)
{
    /// <summary>The record, formatted without its WAF fields.</summary>
    public string Value { get; } = value;

    /// <summary>Connection middleware that runs after the TLS middleware, that is, only for a completed handshake.</summary>
    public static Task OnHandshakeCompletedAsync(ConnectionContext connection, ConnectionDelegate next, string hop, CertificateVersions versions)
    {
        if (connection.Features.Get<ITlsHandshakeFeature>() is { } tls)
        {
            var record = new HopRecord(
                hop, TlsNames.Protocol(tls.Protocol), tls.NegotiatedCipherSuite?.ToString() ?? "", tls.HostName,
                Certificate: PresentedCertificate.Of(connection.Features.Get<ISslStreamFeature>()?.SslStream.LocalCertificate, versions));
            connection.Features.Set(new ConnectionHopRecord(record.ToString()));
        }

        return next(connection);
    }
}
