using System.Globalization;

namespace SecureFlow.AppHost.Publishing;

/// <summary>
/// The edge's <see cref="WafPolicy"/> as Application Gateway's WAF policy takes it: the model's mode, body limit,
/// paranoia level, disabled rules and exclusions over Microsoft_DefaultRuleSet 2.1 (rule ids are the CRS 3.3 ids they
/// derive from; <see cref="DefaultRuleSet21"/> lists them).
/// </summary>
internal sealed record WafSettings(WafPolicy Policy)
{
    /// <summary>Application Gateway's managed rule sets: OWASP CRS 3.3 based DRS 2.1, and known-bad bots.</summary>
    public static IReadOnlyList<(string Type, string Version)> ManagedRuleSets { get; } =
    [
        ("Microsoft_DefaultRuleSet", "2.1"),
        ("Microsoft_BotManagerRuleSet", "1.1"),
    ];

    public static (string Type, string Version) DefaultRuleSet => ManagedRuleSets[0];

    /// <summary>
    /// Takes the edge's policy; an edge without <c>WithWaf</c> publishes a disabled policy, as it runs locally.
    /// DRS 2.1 has rules at paranoia levels 1 and 2 and a fixed anomaly threshold of 5: a model that asks for more is
    /// refused, and so is a rule id DRS 2.1 does not have (disabled or excluded), rather than deployed with a WAF that
    /// decides differently from the local one.
    /// </summary>
    public static WafSettings From(ApplicationGatewayResource edge)
    {
        ArgumentNullException.ThrowIfNull(edge);

        var policy = edge.WafPolicy ?? new WafPolicy(WafMode.Off);
        policy.ToOptions();
        if (policy.ParanoiaLevel > 2 || policy.AnomalyThreshold != 5)
        {
            throw new InvalidOperationException(
                $"'{edge.Name}': Application Gateway's Microsoft_DefaultRuleSet 2.1 runs paranoia levels 1 and 2 only, with anomaly threshold 5; the model asks for level {policy.ParanoiaLevel}, threshold {policy.AnomalyThreshold}.");
        }

        var unknown = policy.DisabledRuleIds.Select(id => (id, "disabled"))
            .Concat(policy.Exclusions.SelectMany(exclusion => exclusion.RuleIds.Select(id => (id, $"excluded for {exclusion.MatchVariable} '{exclusion.Selector}'"))))
            .Where(rule => !DefaultRuleSet21.Contains(rule.id))
            .Select(rule => string.Create(CultureInfo.InvariantCulture, $"{rule.id} ({rule.Item2})"))
            .ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException(
                $"'{edge.Name}': WAF rule {string.Join(", ", unknown)} is in the local OWASP CRS 3.3 but not in Application Gateway's Microsoft_DefaultRuleSet 2.1, so the published WAF cannot do the same: remove it from the model's WithWaf(...), or name a DRS 2.1 rule (docs/deploy.md lists where the two rule sets differ).");
        }

        return new WafSettings(policy);
    }

    public string State => Policy.Mode == WafMode.Off ? "Disabled" : "Enabled";

    public string Mode => Policy.Mode == WafMode.Detection ? "Detection" : "Prevention";

    /// <summary>
    /// The DRS 2.1 rules the published policy disables: the model's, and every rule above its paranoia level (DRS 2.1
    /// runs PL2 by default; the local CRS runs the model's level only).
    /// </summary>
    public IReadOnlyList<int> DisabledRuleIds => [.. Policy.DisabledRuleIds.Concat(DefaultRuleSet21.AboveParanoiaLevel(Policy.ParanoiaLevel)).Distinct().Order()];
}
