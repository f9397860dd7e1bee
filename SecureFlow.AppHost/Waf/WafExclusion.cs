namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A request part that some rules do not inspect, for a known false positive of the app's own API: the values of
/// <paramref name="MatchVariable"/> whose names match <paramref name="Selector"/> are skipped by
/// <paramref name="RuleIds"/>, or by every rule when none are given (Application Gateway's exclusion shape).
/// </summary>
public sealed record WafExclusion(
    WafMatchVariable MatchVariable, WafSelectorMatchOperator SelectorMatchOperator, string Selector, IReadOnlyList<int> RuleIds);
