using System.Globalization;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The edge's web application firewall, set once in the model: run mode hands it to the gateway as ModSecurity
/// directives over the OWASP CRS 3.3, publish mode turns the same values into the Application Gateway WAF policy.
/// The defaults are Azure's: paranoia level 1, anomaly threshold 5, bodies inspected up to 128 KB.
/// </summary>
/// <param name="Mode">Prevention blocks, Detection only logs, Off does not inspect.</param>
public sealed record WafPolicy(WafMode Mode)
{
    /// <summary>The CRS paranoia level, 1 to 4: higher catches more and blocks more legitimate requests.</summary>
    public int ParanoiaLevel { get; init; } = 1;

    /// <summary>The inbound anomaly score that blocks a request; 5 is one critical rule match.</summary>
    public int AnomalyThreshold { get; init; } = 5;

    /// <summary>The largest body inspected; a larger one is refused (413) rather than forwarded uninspected.</summary>
    public int RequestBodyLimitInKb { get; init; } = 128;

    /// <summary>Rules that never run (a rule's false positives outweigh what it catches for this app).</summary>
    public IReadOnlyList<int> DisabledRuleIds { get; init; } = [];

    public IReadOnlyList<WafExclusion> Exclusions { get; init; } = [];

    /// <summary>The policy as the gateway reads it (configuration section <c>Waf</c>), as environment variables.</summary>
    public IReadOnlyDictionary<string, string> ToEnvironment()
    {
        Validate();
        var environment = new Dictionary<string, string>
        {
            ["Waf__Mode"] = Mode.ToString(),
            ["Waf__ParanoiaLevel"] = Text(ParanoiaLevel),
            ["Waf__AnomalyThreshold"] = Text(AnomalyThreshold),
            ["Waf__RequestBodyLimit"] = Text(RequestBodyLimitInKb * 1024),
        };
        for (var i = 0; i < DisabledRuleIds.Count; i++)
        {
            environment[$"Waf__DisabledRuleIds__{Text(i)}"] = Text(DisabledRuleIds[i]);
        }

        for (var i = 0; i < Exclusions.Count; i++)
        {
            var exclusion = Exclusions[i];
            var key = $"Waf__Exclusions__{Text(i)}";
            environment[$"{key}__MatchVariable"] = exclusion.MatchVariable.ToString();
            environment[$"{key}__SelectorMatchOperator"] = exclusion.SelectorMatchOperator.ToString();
            environment[$"{key}__Selector"] = exclusion.Selector;
            for (var j = 0; j < exclusion.RuleIds.Count; j++)
            {
                environment[$"{key}__RuleIds__{Text(j)}"] = Text(exclusion.RuleIds[j]);
            }
        }

        return environment;
    }

    /// <summary>Fails on values Application Gateway's WAF policy would refuse too.</summary>
    public void Validate()
    {
        if (ParanoiaLevel is < 1 or > 4)
        {
            throw new ArgumentException($"The WAF paranoia level must be 1 to 4, not {ParanoiaLevel}.", nameof(ParanoiaLevel));
        }

        if (AnomalyThreshold < 1)
        {
            throw new ArgumentException($"The WAF anomaly threshold must be at least 1, not {AnomalyThreshold}.", nameof(AnomalyThreshold));
        }

        if (RequestBodyLimitInKb is < 8 or > 2000)
        {
            throw new ArgumentException($"The WAF request body limit must be 8 to 2000 KB, not {RequestBodyLimitInKb}.", nameof(RequestBodyLimitInKb));
        }

        if (DisabledRuleIds.Concat(Exclusions.SelectMany(exclusion => exclusion.RuleIds)).Any(id => id <= 0))
        {
            throw new ArgumentException("WAF rule ids are positive numbers.", nameof(DisabledRuleIds));
        }

        if (Exclusions.Any(exclusion => exclusion.SelectorMatchOperator != WafSelectorMatchOperator.EqualsAny && string.IsNullOrWhiteSpace(exclusion.Selector)))
        {
            throw new ArgumentException("A WAF exclusion needs a selector unless its operator is EqualsAny.", nameof(Exclusions));
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
