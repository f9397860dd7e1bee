using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SecureFlow.Gateway.Waf;

/// <summary>Degraded, with what to install, while the WAF the model asks for does not inspect requests.</summary>
internal sealed class WafHealthCheck(ModSecurityEngine engine) : IHealthCheck
{
    public const string Name = "waf";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(engine.IsAvailable
            ? HealthCheckResult.Healthy($"{engine.Version}: {engine.RuleCount} rules, mode {engine.Mode}")
            : HealthCheckResult.Degraded(engine.UnavailableReason));
}
