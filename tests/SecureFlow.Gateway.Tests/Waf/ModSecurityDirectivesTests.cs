using SecureFlow.Gateway.Waf;

namespace SecureFlow.Gateway.Tests.Waf;

/// <summary>The model's WAF settings become ModSecurity directives, and nothing else can be spliced into them.</summary>
public sealed class ModSecurityDirectivesTests
{
    [Fact]
    public void ExclusionsBecomeTargetUpdatesAfterTheCrsRules()
    {
        var options = new WafOptions
        {
            Mode = WafEngineMode.Prevention,
            DisabledRuleIds = [920350],
            Exclusions =
            [
                new() { MatchVariable = "RequestArgNames", SelectorMatchOperator = "Equals", Selector = "query", RuleIds = [942100] },
                new() { MatchVariable = "RequestCookieNames", SelectorMatchOperator = "StartsWith", Selector = "sess.", RuleIds = [] },
                new() { MatchVariable = "RequestHeaderNames", SelectorMatchOperator = "EqualsAny", RuleIds = [913100] },
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
    public void DetectionModeNeverBlocks() =>
        Assert.Contains("SecRuleEngine DetectionOnly", ModSecurityDirectives.Build(new WafOptions { Mode = WafEngineMode.Detection }, []).Split('\n'));

    [Theory]
    [InlineData("q\" \"!ARGS")]
    [InlineData("q\nSecRuleEngine Off")]
    [InlineData("a|b")]
    [InlineData("")]
    public void SelectorThatIsNotANameStopsTheGateway(string selector)
    {
        var options = new WafOptions
        {
            Mode = WafEngineMode.Prevention,
            Exclusions = [new() { MatchVariable = "RequestArgNames", SelectorMatchOperator = "Equals", Selector = selector, RuleIds = [942100] }],
        };

        Assert.Throws<InvalidOperationException>(() => ModSecurityDirectives.Validate(options));
    }
}
