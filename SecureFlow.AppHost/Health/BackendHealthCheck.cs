using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SecureFlow.AppHost.Health;

/// <summary>
/// A gateway's backend health (Application Gateway's backend health probe): healthy while the backend resource is. A
/// gateway with this check starts beside its backend instead of after it, and is healthy, as a whole, once both are, so
/// what waits for the gateway still finds a chain that serves. Until the backend has been healthy once, the check waits
/// for it (for up to <see cref="StartupHealthCheck.StartupWait"/>) so that the moment is seen at once; after that it looks
/// for up to one <see cref="StartupHealthCheck.PollInterval"/>.
/// </summary>
internal sealed class BackendHealthCheck(string backend, ResourceNotificationService notifications) : IHealthCheck
{
    private volatile bool _answered;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(_answered ? StartupHealthCheck.PollInterval : StartupHealthCheck.StartupWait);
        try
        {
            await notifications.WaitForResourceHealthyAsync(backend, bound.Token).ConfigureAwait(false);
            _answered = true;
            return HealthCheckResult.Healthy($"Backend '{backend}' is healthy.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"Backend '{backend}' is not healthy.");
        }
    }
}
