using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SecureFlow.ServiceDefaults.Telemetry;
using SecureFlow.Contracts.MutualTls;

namespace SecureFlow.ServiceDefaults.MutualTls;

/// <summary>
/// Reads the service certificate again at the model's interval and takes a new version into use for new connections,
/// without a restart (a new Key Vault version, a rotated CSI file). When it cannot be read, or is refused, the service
/// keeps the one it has and tries again next time: the current one stays valid for days.
/// </summary>
internal sealed partial class ServiceCertificateRefreshService(
    IServiceCertificateSource source,
    ServiceCertificate certificate,
    IOptions<MutualTlsOptions> options,
    MutualTlsMetrics metrics,
    ILogger<ServiceCertificateRefreshService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RefreshInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            // Each poll is metrics and logs, not a trace of its own every few seconds.
            using var poll = UntracedOperation.Start("SecureFlow.CertificatePoll");
            try
            {
                var (next, root) = await Task.Run(source.Load, stoppingToken);
                if (certificate.Replace(next, root))
                {
                    metrics.CertificateReloaded();
                    LogReloaded(logger, certificate.Identity, certificate.Certificate.Thumbprint);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                metrics.CertificateRefreshFailed();
                LogRefreshFailed(logger, certificate.Identity, exception.GetType().Name, exception.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Identity} now presents certificate {Thumbprint} to new connections")]
    private static partial void LogReloaded(ILogger logger, string identity, string thumbprint);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{Identity} could not refresh its service certificate ({ErrorType}: {Error}); it keeps the one it has and retries at the next interval")]
    private static partial void LogRefreshFailed(ILogger logger, string identity, string errorType, string error);
}
