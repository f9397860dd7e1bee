using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using SecureFlow.AppHost.Publishing;
using SecureFlow.AppHost.Publishing.Bicep;
using SecureFlow.Publishing.Tests.Infrastructure;
using static SecureFlow.Publishing.Tests.Infrastructure.CompiledBicep;

namespace SecureFlow.Publishing.Tests.Bicep;

/// <summary>
/// Azure Firewall's application rules, compiled by the real Bicep CLI: one collection per source as the model states
/// it (wildcards, HTTP on 80), and AKS's required names by tag and by name, for the known gaps of the tag.
/// </summary>
public sealed class FirewallRulesTests
{
    [Fact]
    public async Task FirewallAllowsAksRequiredNamesByTagAndByName()
    {
        var template = await TemplateAsync("infra/firewall.bicep");
        var aks = Collection(template, "aks-required");
        var rules = aks["rules"]!.AsArray().Select(rule => rule!).ToList();

        Assert.Equal(100, (int)aks["priority"]!);
        Assert.Equal(["AzureKubernetesService"], rules.SelectMany(rule => Strings(rule["fqdnTags"])));

        // The tag alone has let these be blocked (mspnp/aks-baseline#457, the MCR data endpoints): they are named too.
        var named = rules.SelectMany(rule => Strings(rule["targetFqdns"])).ToList();
        Assert.Contains("mcr.microsoft.com", named);
        Assert.Contains("*.data.mcr.microsoft.com", named);
        Assert.Contains("mcrprod.azurecr.io", named);
        Assert.Contains("packages.aks.azure.com", named);
        Assert.Contains("[split(environment().authentication.loginEndpoint, '/')[2]]", named);
        Assert.Contains("[split(environment().resourceManager, '/')[2]]", named);
        Assert.All(rules, rule => Assert.Equal("Https", (string?)Assert.Single(rule["protocols"]!.AsArray())!["protocolType"]));
        Assert.All(rules, rule => Assert.Equal(["10.240.0.0/22"], Strings(rule["sourceAddresses"])));
    }

    [Fact]
    public async Task FirewallPublishesWildcardsAndPlainHttpOnPort80AsTheModelStatesThem()
    {
        var builder = SampleModel.Create((builder, _) => builder.CreateResourceBuilder<ProjectResource>("workload").WithEgressTo("*.contoso.com", "files.contoso.com:80"));
        var template = await CompileAsync(FirewallModule.Build(PublishedApp.From(builder.Resources)).ToString());

        var rules = Collection(template, "workload-egress")["rules"]!.AsArray().Select(rule => rule!).ToList();

        Assert.Equal(["workload-https", "workload-http"], rules.Select(rule => (string?)rule["name"]));
        Assert.Equal(["api.example.org", "*.contoso.com"], Strings(rules[0]["targetFqdns"]));
        Assert.Equal(("Https", 443), Protocol(rules[0]));
        Assert.Equal(["files.contoso.com"], Strings(rules[1]["targetFqdns"]));
        Assert.Equal(("Http", 80), Protocol(rules[1]));
    }

    [Fact]
    public async Task ServiceWithoutEgressGetsNoRuleCollection()
    {
        var template = await TemplateAsync("infra/firewall.bicep");
        var names = EgressGroup(template)["properties"]!["ruleCollections"]!.AsArray()
            .Select(collection => (string?)collection!["name"]);

        Assert.DoesNotContain("ingress-egress", names);
    }

    /// <summary>The rule collection group of the cluster's egress (the deployment script's subnet has its own).</summary>
    private static JsonObject EgressGroup(JsonObject template) =>
        Resources(template, "Microsoft.Network/firewallPolicies/ruleCollectionGroups").Single(group => ((string?)group["name"])!.Contains("'egress'", StringComparison.Ordinal));

    private static JsonObject Collection(JsonObject template, string name) =>
        EgressGroup(template)["properties"]!["ruleCollections"]!.AsArray()
            .Single(collection => (string?)collection!["name"] == name)!.AsObject();

    private static (string?, int) Protocol(JsonNode rule)
    {
        var protocol = Assert.Single(rule["protocols"]!.AsArray())!;
        return ((string?)protocol["protocolType"], (int)protocol["port"]!);
    }

    private static IEnumerable<string?> Strings(JsonNode? array) => array?.AsArray().Select(item => (string?)item) ?? [];

    private static async Task<JsonObject> CompileAsync(string bicep)
    {
        var path = Path.Combine(Path.GetTempPath(), $"secureflow-firewall-{Guid.NewGuid():N}.bicep");
        await File.WriteAllTextAsync(path, bicep, TestContext.Current.CancellationToken);
        try
        {
            var (exitCode, output, error) = await ExternalProcess.RunAsync(Repository.BicepPath, ["build", path, "--stdout"], TimeSpan.FromMinutes(2));
            Assert.True(exitCode == 0 && string.IsNullOrWhiteSpace(error), $"bicep build failed or reported diagnostics:\n{error}");
            return JsonNode.Parse(output)!.AsObject();
        }
        finally
        {
            File.Delete(path);
        }
    }
}
