using System.Net.Security;
using Microsoft.Extensions.Logging;
using SecureFlow.ServiceDefaults.Tls;

namespace SecureFlow.ServiceDefaults.MutualTls;

/// <summary>
/// The caller's side of mutual TLS, for an <see cref="SocketsHttpHandler"/>: it presents the service's own certificate
/// (the current version: a rotated one is used by new connections) and accepts only a server whose certificate chains
/// to the internal root and carries the SPIFFE id of the service it means to call. The identity, not a host name, is
/// what it checks: the address comes from service discovery, the identity from the model's graph.
/// </summary>
public static partial class MutualTlsClient
{
    /// <summary>How long a pooled connection lives: a rotated certificate reaches every connection within this.</summary>
    public static readonly TimeSpan ConnectionLifetime = TimeSpan.FromMinutes(1);

    public static void Configure(
        SocketsHttpHandler handler, ServiceCertificate certificate, KestrelTlsPolicy policy, string serverIdentity, MutualTlsMetrics metrics, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentException.ThrowIfNullOrEmpty(serverIdentity);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(logger);

        handler.PooledConnectionLifetime = ConnectionLifetime;
        handler.SslOptions.EnabledSslProtocols = policy.Protocols;
        if (!OperatingSystem.IsWindows())
        {
            handler.SslOptions.CipherSuitesPolicy = policy.CipherSuitesPolicy;
        }

        handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate.Certificate;
        handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) =>
        {
            var (identity, refusal) = PeerCertificateValidator.Validate(presented, certificate.TrustAnchor, peerIsClient: false);
            if (refusal is null && identity != serverIdentity)
            {
                refusal = MutualTlsRefusal.UnexpectedServer;
            }

            if (refusal is null)
            {
                return true;
            }

            metrics.Refused(refusal, MutualTlsRefusal.Caller(refusal, identity));
            LogServerRefused(logger, certificate.Identity, serverIdentity, MutualTlsRefusal.CallerForLog(refusal, identity), refusal);
            return false;
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Service} refused the server it called: expected {Expected}, got {Server}, reason {Reason}")]
    private static partial void LogServerRefused(ILogger logger, string service, string expected, string server, string reason);
}
