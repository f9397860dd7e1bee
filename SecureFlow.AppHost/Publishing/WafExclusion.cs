namespace SecureFlow.AppHost.Publishing;

/// <summary>A request part the managed rules do not inspect (Application Gateway's <c>exclusions</c>).</summary>
internal sealed record WafExclusion(string MatchVariable, string SelectorMatchOperator, string Selector);
