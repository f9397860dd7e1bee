namespace SecureFlow.AppHost.Publishing;

/// <summary>
/// The edge's <see cref="WafPolicy"/> as Application Gateway's WAF policy takes it: the model's mode, body limit,
/// disabled rules and exclusions over Microsoft_DefaultRuleSet 2.1 (rule ids are the CRS 3.3 ids they derive from).
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
    /// DRS 2.1 has no paranoia level or threshold setting (it runs at the CRS's defaults): a model that asks for
    /// others is refused, rather than deployed with a WAF that decides differently from the local one.
    /// </summary>
    public static WafSettings From(ApplicationGatewayResource edge)
    {
        ArgumentNullException.ThrowIfNull(edge);

        var policy = edge.WafPolicy ?? new WafPolicy(WafMode.Off);
        policy.ToOptions();
        if (policy.ParanoiaLevel != 1 || policy.AnomalyThreshold != 5)
        {
            throw new InvalidOperationException(
                $"'{edge.Name}': Application Gateway's Microsoft_DefaultRuleSet 2.1 runs at paranoia level 1 with anomaly threshold 5; the model asks for level {policy.ParanoiaLevel}, threshold {policy.AnomalyThreshold}.");
        }

        return new WafSettings(policy);
    }

    public string State => Policy.Mode == WafMode.Off ? "Disabled" : "Enabled";

    public string Mode => Policy.Mode == WafMode.Detection ? "Detection" : "Prevention";

    /// <summary>DRS 2.1's rule group of a CRS rule id, which Application Gateway needs to name a rule.</summary>
    public static string RuleGroup(int ruleId) => (ruleId / 1000) switch
    {
        911 => "METHOD-ENFORCEMENT",
        913 => "SCANNER-DETECTION",
        920 => "PROTOCOL-ENFORCEMENT",
        921 => "PROTOCOL-ATTACK",
        930 => "LFI",
        931 => "RFI",
        932 => "RCE",
        933 => "PHP",
        934 => "NODEJS",
        941 => "XSS",
        942 => "SQLI",
        943 => "FIXATION",
        944 => "JAVA",
        _ => throw new InvalidOperationException($"WAF rule {ruleId} is not in a rule group of Microsoft_DefaultRuleSet 2.1."),
    };
}
