namespace SecureFlow.Contracts.Waf;

/// <summary>How an exclusion's selector matches names, as Application Gateway's WAF policy exclusions do.</summary>
public enum WafSelectorMatchOperator
{
    Equals,
    StartsWith,
    EndsWith,
    Contains,

    /// <summary>Every name of the match variable (the selector is ignored).</summary>
    EqualsAny,
}
