namespace SecureFlow.Gateway.Waf;

/// <summary>
/// One exclusion, shaped like Application Gateway's WAF policy exclusions: the request part
/// (<see cref="MatchVariable"/> and <see cref="Selector"/>) that <see cref="RuleIds"/> (or every rule, when empty) skip.
/// </summary>
public sealed class WafExclusionOptions
{
    /// <summary><c>RequestArgNames</c>, <c>RequestHeaderNames</c> or <c>RequestCookieNames</c>.</summary>
    public string MatchVariable { get; set; } = "";

    /// <summary><c>Equals</c>, <c>StartsWith</c>, <c>EndsWith</c>, <c>Contains</c> or <c>EqualsAny</c>.</summary>
    public string SelectorMatchOperator { get; set; } = "Equals";

    public string Selector { get; set; } = "";

    public List<int> RuleIds { get; set; } = [];
}
