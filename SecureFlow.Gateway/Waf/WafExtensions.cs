using Microsoft.Extensions.Options;
using SecureFlow.Contracts;
using SecureFlow.Gateway.Inspection;

namespace SecureFlow.Gateway.Waf;

internal static partial class WafExtensions
{
    /// <summary>Registers ModSecurity as a request inspector, only when the model turns the WAF on for this hop.</summary>
    public static IServiceCollection AddWaf(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddServiceOptions<WafOptions, WafOptionsValidator>();
        if (configuration.GetSection(WafOptions.SectionName).Get<WafOptions>()?.Mode is null or WafMode.Off)
        {
            return services;
        }

        services.AddSingleton<ModSecurityEngine>();
        services.AddSingleton<IRequestInspector, ModSecurityInspector>();
        services.AddHealthChecks().AddCheck<WafHealthCheck>(WafHealthCheck.Name);
        return services;
    }

    /// <summary>
    /// Loads the rules now (a rule set that does not load stops the gateway) and reports an engine that cannot run; the
    /// inspector then refuses every request (503) and the health check is Unhealthy.
    /// </summary>
    public static WebApplication LoadWafRules(this WebApplication app)
    {
        if (app.Services.GetService<ModSecurityEngine>() is not { } engine)
        {
            return app;
        }

        var gateway = app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value.Name;
        if (engine.IsAvailable)
        {
            LogWafStarted(app.Logger, gateway, engine.Version, engine.RuleCount, engine.Mode);
            return app;
        }

        LogWafUnavailable(app.Logger, gateway, engine.UnavailableReason!);
        return app;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Gateway {Gateway}: WAF {Engine} with {RuleCount} rules in {Mode} mode")]
    private static partial void LogWafStarted(ILogger logger, string gateway, string engine, int ruleCount, WafMode mode);

    [LoggerMessage(Level = LogLevel.Error, Message = "Gateway {Gateway}: the WAF cannot run, every request is refused with 503 until it can. {Reason}")]
    private static partial void LogWafUnavailable(ILogger logger, string gateway, string reason);
}
