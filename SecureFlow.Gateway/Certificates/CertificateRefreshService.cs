using Microsoft.Extensions.Options;
using SecureFlow.Gateway.Configuration;
using SecureFlow.Gateway.Telemetry;
using SecureFlow.ServiceDefaults.Telemetry;

namespace SecureFlow.Gateway.Certificates;

/// <summary>
/// Reads the certificates again at the model's interval and, when one changed (a new Key Vault version, a rotated
/// CSI file), serves the new ones to new handshakes; connections already open keep theirs, so no request fails. When
/// the source cannot be read (the vault is down), or what it holds cannot be served (no private key, expired, not the
/// listener's names), the gateway keeps serving what it has and tries again next time.
/// </summary>
internal sealed partial class CertificateRefreshService(
    IServerCertificateSource source,
    SniCertificateSelector selector,
    IOptions<GatewayOptions> options,
    GatewayMetrics metrics,
    ILogger<CertificateRefreshService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var gateway = options.Value;

        // Twice the longest a handshake may take: no handshake still uses a certificate replaced that long ago.
        var retiredFor = 2 * gateway.Https.HandshakeTimeout;
        using var timer = new PeriodicTimer(gateway.CertificateRefreshInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            selector.DisposeRetired(retiredFor);
            // Each poll is metrics and logs, not a trace of its own every few seconds.
            using var poll = UntracedOperation.Start("SecureFlow.CertificatePoll");
            try
            {
                var certificates = await Task.Run(source.LoadCertificates, stoppingToken);
                var thumbprints = certificates.Select(certificate => certificate.Thumbprint).Order(StringComparer.Ordinal).ToList();
                if (thumbprints.SequenceEqual(selector.Thumbprints.Order(StringComparer.Ordinal)))
                {
                    certificates.ToList().ForEach(certificate => certificate.Dispose());
                    continue;
                }

                selector.Replace(certificates);
                metrics.CertificateReloaded();
                LogReloaded(logger, gateway.Name, thumbprints);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // Availability over freshness: the cached certificates stay valid for days, a refresh is retried.
                metrics.CertificateRefreshFailed();
                LogRefreshFailed(logger, gateway.Name, exception.GetType().Name, exception.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Gateway {Gateway} now serves certificates {Thumbprints} to new handshakes")]
    private static partial void LogReloaded(ILogger logger, string gateway, IEnumerable<string> thumbprints);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Gateway {Gateway} could not refresh its certificates ({ErrorType}: {Error}); it keeps serving the ones it has and retries at the next interval")]
    private static partial void LogRefreshFailed(ILogger logger, string gateway, string errorType, string error);
}
