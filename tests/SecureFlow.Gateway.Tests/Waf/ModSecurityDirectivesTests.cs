using SecureFlow.Gateway.Waf;

namespace SecureFlow.Gateway.Tests.Waf;

/// <summary>The model's WAF settings become ModSecurity directives (what may be spliced into them: WafOptionsValidator).</summary>
public sealed class ModSecurityDirectivesTests
{
    [Fact]
    public void ExclusionsBecomeTargetUpdatesAfterTheCrsRules()
    {
        var options = new WafOptions
        {
            Mode = WafMode.Prevention,
            DisabledRuleIds = [920350],
            Exclusions =
            [
                new() { MatchVariable = WafMatchVariable.RequestArgNames, SelectorMatchOperator = WafSelectorMatchOperator.Equals, Selector = "query", RuleIds = [942100] },
                new() { MatchVariable = WafMatchVariable.RequestCookieNames, SelectorMatchOperator = WafSelectorMatchOperator.StartsWith, Selector = "sess.", RuleIds = [] },
                new() { MatchVariable = WafMatchVariable.RequestHeaderNames, SelectorMatchOperator = WafSelectorMatchOperator.EqualsAny, RuleIds = [913100] },
            ],
        };

        var directives = ModSecurityDirectives.Build(options, ["/rules/REQUEST-942-APPLICATION-ATTACK-SQLI.conf"]).Split('\n');

        var rules = Array.IndexOf(directives, "Include \"/rules/REQUEST-942-APPLICATION-ATTACK-SQLI.conf\"");
        Assert.Contains("SecRuleEngine On", directives);
        Assert.True(rules > Array.FindIndex(directives, line => line.Contains("tx.paranoia_level=1", StringComparison.Ordinal)));
        Assert.True(Array.IndexOf(directives, "SecRuleRemoveById 920350") > rules);
        Assert.True(Array.IndexOf(directives, "SecRuleUpdateTargetById 942100 \"!ARGS:query\"") > rules);
        Assert.Contains("SecRuleUpdateTargetByTag \"OWASP_CRS\" \"!REQUEST_COOKIES:/^sess\\./\"", directives);
        Assert.Contains("SecRuleUpdateTargetById 913100 \"!REQUEST_HEADERS\"", directives);
    }

    [Fact]
    public void DetectionModeRunsTheEngineDetectionOnly() =>
        Assert.Contains("SecRuleEngine DetectionOnly", ModSecurityDirectives.Build(new WafOptions { Mode = WafMode.Detection }, []).Split('\n'));
}
