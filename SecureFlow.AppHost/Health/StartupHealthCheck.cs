using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SecureFlow.AppHost.Health;

/// <summary>
/// A resource's HTTP health endpoint, checked so that the moment it first answers is seen at once. Aspire re-runs an
/// unhealthy resource's checks after 1, 2, 3, 4, then every 5 seconds, so a service that is up just after a check is seen
/// up to 5 seconds late, and everything that waits for it starts that much later. Until the endpoint has answered 200
/// once, this check asks it again every <see cref="PollInterval"/> for up to <see cref="StartupWait"/> before it reports
/// unhealthy; after that it asks once, like Aspire's own HTTP check, so that a service that stops is reported at once.
/// Only 200 is healthy; the endpoint is the resource's plain-HTTP management port on loopback, asked without a proxy.
/// </summary>
internal sealed class StartupHealthCheck(Func<Uri> endpoint) : IHealthCheck
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan StartupWait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    // One client for every check of the app: loopback, no proxy, nothing to dispose per check.
    private static readonly HttpClient Client = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = RequestTimeout };
    private volatile bool _answered;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var uri = endpoint();
        var result = await AskAsync(uri, cancellationToken).ConfigureAwait(false);
        if (_answered)
        {
            return result;
        }

        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(StartupWait);
        try
        {
            while (result.Status != HealthStatus.Healthy)
            {
                await Task.Delay(PollInterval, bound.Token).ConfigureAwait(false);
                result = await AskAsync(uri, bound.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // StartupWait is over: report the last answer; Aspire asks again.
        }

        _answered |= result.Status == HealthStatus.Healthy;
        return result;
    }

    private static async Task<HealthCheckResult> AskAsync(Uri uri, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Client.GetAsync(uri, cancellationToken).ConfigureAwait(false);
            return response.StatusCode == System.Net.HttpStatusCode.OK
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"{uri} answered {(int)response.StatusCode}.");
        }
        catch (HttpRequestException exception)
        {
            return HealthCheckResult.Unhealthy($"{uri}: {exception.Message}");
        }
        catch (TaskCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"{uri} did not answer in {RequestTimeout.TotalSeconds} s.", exception);
        }
    }
}
