namespace SecureFlow.AppHost.Publishing;

/// <summary>
/// The WAF policy the edge publishes. The single place its mode and exclusions come from: until the model declares a
/// WAF policy on the edge, the default is Prevention with no exclusions (a WAF that only detects blocks nothing).
/// </summary>
internal sealed record WafSettings(string Mode, IReadOnlyList<WafExclusion> Exclusions)
{
    public static WafSettings Default { get; } = new("Prevention", []);

    /// <summary>Application Gateway's managed rule sets: OWASP CRS 3.3 based DRS 2.1, and known-bad bots.</summary>
    public static IReadOnlyList<(string Type, string Version)> ManagedRuleSets { get; } =
    [
        ("Microsoft_DefaultRuleSet", "2.1"),
        ("Microsoft_BotManagerRuleSet", "1.1"),
    ];
}
