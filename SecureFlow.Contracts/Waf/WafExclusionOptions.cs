namespace SecureFlow.Contracts.Waf;

/// <summary>
/// One exclusion, shaped like Application Gateway's WAF policy exclusions: the request part
/// (<see cref="MatchVariable"/> and <see cref="Selector"/>) that <see cref="RuleIds"/> (or every rule, when empty) skip.
/// </summary>
public sealed class WafExclusionOptions
{
    public WafMatchVariable MatchVariable { get; set; }

    public WafSelectorMatchOperator SelectorMatchOperator { get; set; }

    public string Selector { get; set; } = "";

    public List<int> RuleIds { get; set; } = [];
}
