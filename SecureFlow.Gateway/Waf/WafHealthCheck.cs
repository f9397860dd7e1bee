using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SecureFlow.Gateway.Waf;

/// <summary>
/// Unhealthy, with what to install, while the WAF the model asks for cannot run: the gateway then refuses every request
/// (503), so it must not look ready to Aspire's dashboard, Kubernetes or a load balancer.
/// </summary>
internal sealed class WafHealthCheck(ModSecurityEngine engine) : IHealthCheck
{
    public const string Name = "waf";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(engine.IsAvailable
            ? HealthCheckResult.Healthy($"{engine.Version}: {engine.RuleCount} rules, mode {engine.Mode}")
            : HealthCheckResult.Unhealthy(engine.UnavailableReason));
}
