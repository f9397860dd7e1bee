using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using SecureFlow.AppHost.Publishing;
using SecureFlow.AppHost.Publishing.Controls;
using SecureFlow.Publishing.Tests.Infrastructure;
using static SecureFlow.Publishing.Tests.Infrastructure.CompiledBicep;

namespace SecureFlow.Publishing.Tests.Bicep;

/// <summary>
/// The published WAF decides as the local one: Microsoft_DefaultRuleSet 2.1 runs at the model's paranoia level, and a
/// rule the model disables or excludes is one DRS 2.1 has, or publishing refuses the model.
/// </summary>
public sealed class WafRuleSetTests
{
    [Fact]
    public async Task PublishedPolicyTurnsOffTheDefaultRuleSetsParanoiaLevel2RulesAsTheLocalCrsRunsLevel1()
    {
        var template = await TemplateAsync("infra/appgateway.bicep");
        var policy = Resource(template, "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies")["properties"]!;
        var defaultRuleSet = policy["managedRules"]!["managedRuleSets"]!.AsArray().Single(set => (string?)set!["ruleSetType"] == "Microsoft_DefaultRuleSet")!;

        var disabled = DisabledRules(defaultRuleSet);

        Assert.Contains("SQLI 942110", disabled);
        Assert.Contains("PROTOCOL-ENFORCEMENT 920300", disabled);
        Assert.Contains("MS-ThreatIntel-CVEs 99001001", disabled);
        Assert.DoesNotContain("SQLI 942100", disabled);
        Assert.DoesNotContain("XSS 941100", disabled);
        Assert.Equal(DefaultRuleSet21.AboveParanoiaLevel(1).Count(), disabled.Count);
    }

    [Fact]
    public void AModelAtParanoiaLevel2PublishesEveryDefaultRuleSetRule()
    {
        var appGateway = Publish(new WafPolicy(WafMode.Prevention) { ParanoiaLevel = 2 });

        Assert.Contains("ruleGroupOverrides: []", appGateway, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(913100)]
    [InlineData(920250)]
    public void ADisabledRuleTheDefaultRuleSetDoesNotHaveIsRefused(int ruleId)
    {
        var failure = Assert.Throws<InvalidOperationException>(() => Publish(new WafPolicy(WafMode.Prevention) { DisabledRuleIds = [ruleId] }));

        Assert.Contains($"WAF rule {ruleId} (disabled) is in the local OWASP CRS 3.3 but not in Application Gateway's Microsoft_DefaultRuleSet 2.1", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnExclusionForARuleTheDefaultRuleSetDoesNotHaveIsRefused()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => Publish(new WafPolicy(WafMode.Prevention)
        {
            Exclusions = [new WafExclusion(WafMatchVariable.RequestArgNames, WafSelectorMatchOperator.Equals, "comment", [913110])],
        }));

        Assert.Contains("913110 (excluded for RequestArgNames 'comment')", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnExclusionOfEveryNameIsPublishedWithTheSelectorAzureRequires()
    {
        var appGateway = Publish(new WafPolicy(WafMode.Prevention)
        {
            Exclusions = [new WafExclusion(WafMatchVariable.RequestCookieNames, WafSelectorMatchOperator.EqualsAny, "", [942100])],
        });

        Assert.Matches(@"matchVariable: 'RequestCookieNames'\s+selectorMatchOperator: 'EqualsAny'\s+// [^\n]*\n\s+selector: '\*'", appGateway);
    }

    [Fact]
    public void BotManagerRuleSetSaysWhyItIsNotEnforcedLocally()
    {
        var catalog = ControlsCatalog.Build(PublishedApp.From(SampleModel.Create().Resources));

        var bots = Assert.Single(catalog, control => control.Name.Contains("Microsoft_BotManagerRuleSet", StringComparison.Ordinal));
        Assert.StartsWith(ControlsCatalog.NotEnforcedPrefix, bots.Local, StringComparison.Ordinal);
    }

    private static string Publish(WafPolicy policy)
    {
        var builder = SampleModel.Create();
        builder.CreateResourceBuilder<ApplicationGatewayResource>("edge").WithWaf(policy);
        return AzdArtifacts.Generate(builder.Resources).Single(artifact => artifact.Path == "infra/appgateway.bicep").Text;
    }

    private static List<string> DisabledRules(JsonNode ruleSet) =>
    [
        .. ruleSet["ruleGroupOverrides"]!.AsArray().SelectMany(group => group!["rules"]!.AsArray()
            .Where(rule => (string?)rule!["state"] == "Disabled")
            .Select(rule => $"{group["ruleGroupName"]} {rule!["ruleId"]}")),
    ];
}
