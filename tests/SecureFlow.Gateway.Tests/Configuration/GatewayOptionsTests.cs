using Microsoft.Extensions.Options;
using SecureFlow.Gateway.Tests.Infrastructure;

namespace SecureFlow.Gateway.Tests.Configuration;

/// <summary>A value the model would refuse, set by hand, stops the gateway at start with the same validator's message.</summary>
public sealed class GatewayOptionsTests
{
    [Fact]
    public async Task AGatewayRefusesToStartWithATls13SuiteInItsTls12List()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => InProcessGateway.StartAsync(_ => new()
        {
            ["Tls:Tls12CipherSuites:0"] = "TLS_AES_128_GCM_SHA256",
        }));

        Assert.Contains("'TLS_AES_128_GCM_SHA256' is not a TLS 1.2 cipher suite", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("q\" \"!ARGS")]
    [InlineData("q\nSecRuleEngine Off")]
    [InlineData("a|b")]
    public async Task AGatewayRefusesToStartWithAWafSelectorThatCouldBeSplicedIntoADirective(string selector)
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => InProcessGateway.StartAsync(_ => new()
        {
            ["Waf:Mode"] = "Prevention",
            ["Waf:Exclusions:0:MatchVariable"] = "RequestArgNames",
            ["Waf:Exclusions:0:Selector"] = selector,
        }));

        Assert.Contains("exclusion selector", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AGatewayRefusesToStartWithARouteWithoutADestination()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => InProcessGateway.StartAsync(_ => new()
        {
            ["Gateway:Routes:backend:Hosts:0"] = InProcessGateway.HostName,
        }));

        Assert.Contains("route 'backend' needs an http or https destination", failure.Message, StringComparison.Ordinal);
    }
}
