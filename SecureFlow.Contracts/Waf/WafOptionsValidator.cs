using System.Text.RegularExpressions;

namespace SecureFlow.Contracts.Waf;

/// <summary>
/// The one check of a WAF policy: values Application Gateway's WAF policy would refuse, and anything that could be
/// spliced into a ModSecurity directive. Run by the model when the policy is set and by the gateway at start.
/// </summary>
public sealed partial class WafOptionsValidator : ServiceOptionsValidator<WafOptions>
{
    public static WafOptionsValidator Instance { get; } = new();

    protected override void Check(WafOptions options, ValidationFailures failures)
    {
        failures.Require(Enum.IsDefined(options.Mode), $"The WAF mode '{options.Mode}' is not Off, Detection or Prevention.");
        failures.Require(options.ParanoiaLevel is >= 1 and <= 4, $"The WAF paranoia level must be 1 to 4, not {options.ParanoiaLevel}.");
        failures.Require(options.AnomalyThreshold >= 1, $"The WAF anomaly threshold must be at least 1, not {options.AnomalyThreshold}.");
        failures.Require(options.RequestBodyLimitInKb is >= 8 and <= 2000,
            $"The WAF request body limit must be 8 to 2000 KB, not {options.RequestBodyLimitInKb}.");
        failures.Require(options.FileUploadLimitInMb is >= 1 and <= 4000,
            $"The WAF file upload limit must be 1 to 4000 MB, not {options.FileUploadLimitInMb}.");
        failures.Require(options.DisabledRuleIds.Concat(options.Exclusions.SelectMany(exclusion => exclusion.RuleIds)).All(id => id > 0),
            "WAF rule ids are positive numbers.");
        foreach (var exclusion in options.Exclusions)
        {
            failures.Require(Enum.IsDefined(exclusion.MatchVariable),
                $"The WAF exclusion match variable '{exclusion.MatchVariable}' is not RequestArgNames, RequestHeaderNames or RequestCookieNames.");
            failures.Require(Enum.IsDefined(exclusion.SelectorMatchOperator),
                $"The WAF exclusion operator '{exclusion.SelectorMatchOperator}' is not Equals, StartsWith, EndsWith, Contains or EqualsAny.");
            failures.Require(exclusion.SelectorMatchOperator == WafSelectorMatchOperator.EqualsAny || SafeSelector().IsMatch(exclusion.Selector),
                $"The WAF exclusion selector '{exclusion.Selector}' must be a name of letters, digits and _ . - [ ] : @ $ (it is needed unless the operator is EqualsAny).");
        }

    }

    [GeneratedRegex(@"^[A-Za-z0-9_.\-\[\]:@$]+$")]
    private static partial Regex SafeSelector();
}
