using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SecureFlow.Contracts.MutualTls;

namespace SecureFlow.ServiceDefaults.MutualTls;

/// <summary>
/// The server's side of mutual TLS: a caller is accepted only with a certificate that chains to the internal root and
/// names an identity the model's graph allows to call this service (<see cref="MutualTlsOptions.AllowedCallers"/>).
/// Anything else is refused during the handshake, logged with the caller's identity (or "none"), counted by reason
/// and recorded as a span, before any application code runs.
/// </summary>
public sealed partial class CallerAuthorization(
    ServiceCertificate certificate, IOptions<MutualTlsOptions> options, MutualTlsMetrics metrics, ILogger<CallerAuthorization> logger)
{
    public const string ActivitySourceName = "SecureFlow.MutualTls";

    private static readonly ActivitySource Source = new(ActivitySourceName);

    private readonly HashSet<string> _allowed = new(options.Value.AllowedCallers, StringComparer.Ordinal);

    /// <summary>Whether the caller that presented <paramref name="presented"/> may call this service.</summary>
    public bool Accept(X509Certificate? presented, string? remoteAddress)
    {
        var (identity, refusal) = PeerCertificateValidator.Validate(presented, certificate.TrustAnchor, peerIsClient: true);
        if (refusal is null && !_allowed.Contains(identity!))
        {
            refusal = MutualTlsRefusal.CallerNotAllowed;
        }

        if (refusal is null)
        {
            return true;
        }

        Refuse(refusal, identity, remoteAddress);
        return false;
    }

    /// <summary>Records a refusal: the metric, the log line and a span, each with the reason and the caller.</summary>
    public void Refuse(string reason, string? identity, string? remoteAddress)
    {
        var caller = MutualTlsRefusal.Caller(reason, identity);
        metrics.Refused(reason, caller);
        LogRefused(logger, certificate.Identity, MutualTlsRefusal.CallerForLog(reason, identity), reason, remoteAddress ?? "unknown");
        using var activity = Source.StartActivity("mTLS refused", ActivityKind.Server);
        activity?.SetTag("secureflow.mtls.caller", caller);
        activity?.SetTag("secureflow.mtls.reason", reason);
        activity?.SetStatus(ActivityStatusCode.Error, reason);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Service} refused a mutual TLS caller: identity {Caller}, reason {Reason}, from {RemoteAddress}")]
    private static partial void LogRefused(ILogger logger, string service, string caller, string reason, string remoteAddress);
}
