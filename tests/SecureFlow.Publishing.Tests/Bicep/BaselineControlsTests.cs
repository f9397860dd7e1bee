using System.Text.Json.Nodes;
using Aspire.Hosting.ApplicationModel;
using SecureFlow.AppHost.Publishing;
using SecureFlow.Publishing.Tests.Infrastructure;
using static SecureFlow.Publishing.Tests.Infrastructure.CompiledBicep;

namespace SecureFlow.Publishing.Tests.Bicep;

/// <summary>
/// The AKS baseline's controls a security reviewer checks first (mspnp/aks-baseline cluster-stamp.bicep, acr-stamp.bicep,
/// network-team/*.bicep), asserted on the ARM JSON the Bicep CLI compiles: SKU names, modes and channels are not
/// type-checked, so a typo would deploy a weaker control without any diagnostic.
/// </summary>
public sealed class BaselineControlsTests
{
    [Fact]
    public async Task ClusterRunsAzurePolicyAndDefenderCleansImagesAndUpgradesItself()
    {
        var cluster = Resource(await TemplateAsync("infra/aks.bicep"), "Microsoft.ContainerService/managedClusters");
        var properties = cluster["properties"]!;

        Assert.Equal("Standard", (string?)cluster["sku"]!["tier"]);
        Assert.True((bool)properties["addonProfiles"]!["azurepolicy"]!["enabled"]!);
        Assert.True((bool)properties["securityProfile"]!["defender"]!["securityMonitoring"]!["enabled"]!);
        Assert.Equal("[parameters('logAnalyticsWorkspaceId')]", (string?)properties["securityProfile"]!["defender"]!["logAnalyticsWorkspaceResourceId"]);
        Assert.True((bool)properties["securityProfile"]!["imageCleaner"]!["enabled"]!);
        Assert.Equal("NodeImage", (string?)properties["autoUpgradeProfile"]!["nodeOSUpgradeChannel"]);
        Assert.Equal("patch", (string?)properties["autoUpgradeProfile"]!["upgradeChannel"]);
    }

    [Fact]
    public async Task SystemPoolRunsCriticalAddOnsOnlyAndTheWorkloadHasAPoolOfItsOwn()
    {
        var pools = Resource(await TemplateAsync("infra/aks.bicep"), "Microsoft.ContainerService/managedClusters")["properties"]!["agentPoolProfiles"]!.AsArray();

        var system = Assert.Single(pools, pool => (string?)pool!["mode"] == "System")!;
        var user = Assert.Single(pools, pool => (string?)pool!["mode"] == "User")!;
        Assert.Equal(["CriticalAddonsOnly=true:NoSchedule"], Strings(system["nodeTaints"]));
        Assert.Empty(Strings(user["nodeTaints"]));
        Assert.All(pools, pool => Assert.Equal("[parameters('availabilityZones')]", (string?)pool!["availabilityZones"]));
    }

    [Fact]
    public async Task AzurePolicyDeniesIngressesThatAreNotHttpsOnlyAndPublicLoadBalancers()
    {
        var template = await TemplateAsync("infra/aks.bicep");

        var assignments = Resources(template, "Microsoft.Authorization/policyAssignments")
            .Select(assignment => $"{assignment["properties"]!["policyDefinitionId"]} {assignment["properties"]!["parameters"]!["effect"]!["value"]}")
            .Order(StringComparer.Ordinal);

        Assert.Equal(
        [
            "[tenantResourceId('Microsoft.Authorization/policyDefinitions', '1a5b4dca-0b6f-4cf5-907c-56316bc1bf3d')] Deny",
            "[tenantResourceId('Microsoft.Authorization/policyDefinitions', '3fc4dc25-5baf-40d8-9b05-7fe74c1bc64e')] Deny",
        ], assignments);
    }

    [Fact]
    public async Task RegistryIsPremiumPrivateAndReadableOnlyWithAnIdentity()
    {
        var template = await TemplateAsync("infra/aks.bicep");
        var registry = Resource(template, "Microsoft.ContainerRegistry/registries");
        var properties = registry["properties"]!;

        Assert.Equal("Premium", (string?)registry["sku"]!["name"]);
        Assert.Equal("Disabled", (string?)properties["publicNetworkAccess"]);
        Assert.False((bool)properties["adminUserEnabled"]!);
        Assert.False((bool)properties["anonymousPullEnabled"]!);
        var endpoint = Resource(template, "Microsoft.Network/privateEndpoints")["properties"]!;
        Assert.Equal(["registry"], Strings(Assert.Single(endpoint["privateLinkServiceConnections"]!.AsArray())!["properties"]!["groupIds"]));
        Assert.Equal("[parameters('registryZoneId')]", (string?)Resource(template, "Microsoft.Network/privateEndpoints/privateDnsZoneGroups")["properties"]!["privateDnsZoneConfigs"]![0]!["properties"]!["privateDnsZoneId"]);
        Assert.Contains(Resources(await TemplateAsync("infra/network.bicep"), "Microsoft.Network/privateDnsZones"), zone => ((string?)zone["name"])!.Contains("privatelink.azurecr.io", StringComparison.Ordinal));
        // The cluster pulls through the private endpoint: no rule for this registry or any other (mcrprod.azurecr.io,
        // which backs the Microsoft Container Registry, is one of AKS's required names, not a registry of this app).
        var firewall = (await TemplateAsync("infra/firewall.bicep")).ToJsonString();
        Assert.DoesNotContain("*.azurecr.io", firewall, StringComparison.Ordinal);
        Assert.DoesNotContain("registryName", firewall, StringComparison.Ordinal);
        Assert.Equal(["mcrprod.azurecr.io"], System.Text.RegularExpressions.Regex.Matches(firewall, @"[\w.*-]+\.azurecr\.io").Select(match => match.Value).Distinct());
    }

    [Fact]
    public async Task EdgeFirewallAndTheirPublicAddressesSpanTheZonesUnlessTurnedOff()
    {
        var main = await TemplateAsync("infra/main.bicep");

        Assert.True((bool)main["parameters"]!["useAvailabilityZones"]!["defaultValue"]!);
        Assert.Equal("[if(parameters('useAvailabilityZones'), createArray('1', '2', '3'), createArray())]", Variable(main, "availabilityZones"));
        foreach (var module in new[] { "appGateway", "firewall", "aks" })
        {
            var deployment = Resources(main, "Microsoft.Resources/deployments").Single(resource => string.Equals((string?)resource["name"], module, StringComparison.OrdinalIgnoreCase));
            Assert.Equal("[variables('availabilityZones')]", (string?)deployment["properties"]!["parameters"]!["availabilityZones"]!["value"]);
        }

        foreach (var (file, type) in new[] { ("infra/appgateway.bicep", "Microsoft.Network/applicationGateways"), ("infra/firewall.bicep", "Microsoft.Network/azureFirewalls") })
        {
            var template = await TemplateAsync(file);
            Assert.Equal("[parameters('availabilityZones')]", (string?)Resource(template, type)["zones"]);
            Assert.Equal("[parameters('availabilityZones')]", (string?)Resource(template, "Microsoft.Network/publicIPAddresses")["zones"]);
        }
    }

    [Fact]
    public async Task EverySubnetButTheFirewallsHasAnNsgWithExplicitRulesEndingInDenyAll()
    {
        var template = await TemplateAsync("infra/network.bicep");
        var subnets = Resource(template, "Microsoft.Network/virtualNetworks")["properties"]!["subnets"]!.AsArray();
        var nsgs = Resources(template, "Microsoft.Network/networkSecurityGroups").ToDictionary(nsg => (string)nsg["name"]!);

        Assert.All(subnets.Where(subnet => (string?)subnet!["name"] != "AzureFirewallSubnet"), subnet =>
        {
            var nsg = nsgs.Single(candidate => ((string?)subnet!["properties"]!["networkSecurityGroup"]!["id"])!.Contains($"'{candidate.Key}'", StringComparison.Ordinal)).Value;
            var last = nsg["properties"]!["securityRules"]!.AsArray()[^1]!["properties"]!;
            Assert.Equal("Deny * *", $"{last["access"]} {last["sourceAddressPrefix"]} {last["destinationPortRange"]}");
        });
        var nodeRules = nsgs["nsg-clusternodes"]["properties"]!["securityRules"]!.AsArray().Select(rule => $"{rule!["properties"]!["access"]} {rule["properties"]!["sourceAddressPrefix"]} {rule["properties"]!["destinationPortRange"]}");
        Assert.Equal(["Allow 10.240.0.0/22 *", "Allow 192.168.0.0/16 *", "Allow 10.240.5.0/24 443", "Allow AzureLoadBalancer *", "Deny * *"], nodeRules);
    }

    [Fact]
    public async Task FirewallIsPremiumWithThreatIntelligenceIdpsInDenyAndTheDnsProxyTheVnetUses()
    {
        var template = await TemplateAsync("infra/firewall.bicep");
        var policy = Resource(template, "Microsoft.Network/firewallPolicies")["properties"]!;

        Assert.Equal("Premium", (string?)policy["sku"]!["tier"]);
        Assert.Equal("Deny", (string?)policy["threatIntelMode"]);
        Assert.Equal("Deny", (string?)policy["intrusionDetection"]!["mode"]);
        Assert.True((bool)policy["dnsSettings"]!["enableProxy"]!);
        Assert.Equal("Premium", (string?)Resource(template, "Microsoft.Network/azureFirewalls")["properties"]!["sku"]!["tier"]);
        var vnet = Resource(await TemplateAsync("infra/network.bicep"), "Microsoft.Network/virtualNetworks")["properties"]!;
        Assert.Equal(["10.240.6.4"], Strings(vnet["dhcpOptions"]!["dnsServers"]));
    }

    [Fact]
    public void AModelThatChoosesTheStandardFirewallGetsNoIdpsButKeepsThreatIntelligenceAndTheDnsProxy()
    {
        var firewall = AzdArtifacts.Generate(SampleModel.Create().Resources, AzureFirewallTier.Standard).Single(artifact => artifact.Path == "infra/firewall.bicep").Text;

        Assert.Contains("tier: 'Standard'", firewall, StringComparison.Ordinal);
        Assert.DoesNotContain("tier: 'Premium'", firewall, StringComparison.Ordinal);
        Assert.DoesNotContain("intrusionDetection", firewall, StringComparison.Ordinal);
        Assert.Contains("threatIntelMode: 'Deny'", firewall, StringComparison.Ordinal);
        Assert.Contains("enableProxy: true", firewall, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NodesAndTheVaultScriptAreDeployedOnlyOnceTheFirewallIsTheirWayOut()
    {
        var main = await TemplateAsync("infra/main.bicep");

        foreach (var module in new[] { "aks", "keyvault" })
        {
            var deployment = Resources(main, "Microsoft.Resources/deployments").Single(resource => (string?)resource["name"] == module);
            Assert.Contains(Strings(deployment["dependsOn"]), dependency => dependency.EndsWith("'firewall')]", StringComparison.Ordinal));
        }
    }

    private static List<string> Strings(JsonNode? array) => array is null ? [] : [.. array.AsArray().Select(item => (string)item!)];
}
