using SecureFlow.Contracts.Waf;

namespace SecureFlow.Contracts.Tests.Waf;

public sealed class WafOptionsValidatorTests
{
    [Fact]
    public void AzuresDefaultsAreValid()
    {
        Assert.True(WafOptionsValidator.Instance.Validate(null, new WafOptions { Mode = WafMode.Prevention }).Succeeded);
    }

    [Theory]
    [InlineData(0, 5, 128, "paranoia level must be 1 to 4")]
    [InlineData(5, 5, 128, "paranoia level must be 1 to 4")]
    [InlineData(1, 0, 128, "anomaly threshold must be at least 1")]
    [InlineData(1, 5, 4, "body limit must be 8 to 2000 KB")]
    [InlineData(1, 5, 2001, "body limit must be 8 to 2000 KB")]
    public void ValuesApplicationGatewayWouldRefuseAreRefused(int paranoiaLevel, int threshold, int bodyLimitInKb, string message)
    {
        var options = new WafOptions { ParanoiaLevel = paranoiaLevel, AnomalyThreshold = threshold, RequestBodyLimitInKb = bodyLimitInKb };

        Assert.Contains(message, WafOptionsValidator.Instance.Validate(null, options).FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("id\" \"phase:1,pass")]
    [InlineData("a b")]
    [InlineData("")]
    public void ASelectorThatCouldBeSplicedIntoADirectiveIsRefused(string selector)
    {
        var options = new WafOptions
        {
            Exclusions = [new() { MatchVariable = WafMatchVariable.RequestArgNames, SelectorMatchOperator = WafSelectorMatchOperator.Equals, Selector = selector }],
        };

        Assert.Contains("selector", WafOptionsValidator.Instance.Validate(null, options).FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void EqualsAnyNeedsNoSelector()
    {
        var options = new WafOptions
        {
            Exclusions = [new() { MatchVariable = WafMatchVariable.RequestHeaderNames, SelectorMatchOperator = WafSelectorMatchOperator.EqualsAny, RuleIds = [942100] }],
        };

        Assert.True(WafOptionsValidator.Instance.Validate(null, options).Succeeded);
    }

    [Fact]
    public void RuleIdsArePositive()
    {
        Assert.Contains("positive", WafOptionsValidator.Instance.Validate(null, new WafOptions { DisabledRuleIds = [0] }).FailureMessage, StringComparison.Ordinal);
    }
}
