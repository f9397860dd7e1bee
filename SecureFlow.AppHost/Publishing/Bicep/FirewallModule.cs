using SecureFlow.AppHost.Networking;
using SecureFlow.Contracts.Egress;
using static SecureFlow.AppHost.Publishing.Bicep.BicepSyntax;

namespace SecureFlow.AppHost.Publishing.Bicep;

/// <summary>
/// <c>infra/firewall.bicep</c>: Azure Firewall, the only way out of the cluster. Its application rules are the model's
/// egress allow-list plus what AKS itself needs (the <c>AzureKubernetesService</c> FQDN tag); everything else is denied.
/// </summary>
internal static class FirewallModule
{
    public const string Path = "infra/firewall.bicep";

    public static BicepFile Build(PublishedApp app)
    {
        var file = new BicepFile(Path, "Firewall: egress allowed to the model's hosts and AKS's required endpoints only.");
        CommonParameters(file);
        file.Parameter("firewallSubnetId", "string", "The AzureFirewallSubnet of the spoke VNet.");

        var publicIp = file.Resource("firewallPublicIp", "Microsoft.Network/publicIPAddresses@2024-05-01",
            "The single address the cluster's allowed egress leaves from.", new BicepObject
            {
                { "name", UniqueName("pip-fw-") },
                { "location", Expr("location") },
                { "sku", new BicepObject { { "name", "Standard" } } },
                { "properties", new BicepObject { { "publicIPAllocationMethod", "Static" } } },
            });
        var policy = file.Resource("firewallPolicy", "Microsoft.Network/firewallPolicies@2024-05-01",
            "Rules live in a policy so that they are reviewed as one object.", new BicepObject
            {
                { "name", UniqueName("fwp-") },
                { "location", Expr("location") },
                { "properties", new BicepObject
                    {
                        { "sku", new BicepObject { { "tier", "Standard" } } },
                        { "threatIntelMode", "Deny", "Known-malicious addresses and domains are blocked, not just logged." },
                    }
                },
            });

        // One rule collection per source, as the model states them. With Azure CNI overlay, pods leave the cluster with
        // their node's address: every collection's source is the node subnet, and which pod may use the path to the
        // firewall at all is the NetworkPolicies' part.
        BicepObject[] collections =
        [
            RuleCollection("aks-required", 100,
            [
                ApplicationRule("aks-fqdn-tag", "fqdnTags", [AksRequiredEgress.FqdnTag], EgressDestination.HttpsPort,
                    "What the cluster itself needs to run (node images, the API server, updates)."),
                ApplicationRule("aks-required-fqdns", "targetFqdns", [.. AksRequiredEgress.Destinations.Select(required => CloudHost(required.Destination.Host))], EgressDestination.HttpsPort,
                    "AKS's documented required names, allowed by name too: the FQDN tag has lagged them (MCR data endpoints, mspnp/aks-baseline#457)."),
            ]),
            .. app.Pods.Where(pod => PublishedApp.EgressOf(pod).Count > 0).Select((pod, index) => RuleCollection($"{pod.Name}-egress", 200 + index,
            [
                .. PublishedApp.EgressOf(pod).GroupBy(destination => destination.Port).Select(group => ApplicationRule(
                    $"{pod.Name}-{group.First().Protocol.ToLowerInvariant()}", "targetFqdns", [.. group.Select(destination => (object)destination.Host)], group.Key,
                    $"The hosts {pod.Name} may call over {group.First().Protocol.ToUpperInvariant()} (the model's WithEgressTo).")),
            ])),
        ];
        file.Resource("egressRules", "Microsoft.Network/firewallPolicies/ruleCollectionGroups@2024-05-01",
            "Egress allow-list: AKS's required endpoints and each service's hosts; the firewall denies the rest.", new BicepObject
            {
                { "parent", policy },
                { "name", "egress" },
                { "properties", new BicepObject
                    {
                        { "priority", 200 },
                        { "ruleCollections", collections },
                    }
                },
            });

        var firewall = file.Resource("firewall", "Microsoft.Network/azureFirewalls@2024-05-01",
            "The next hop of every route out of the cluster subnets.", new BicepObject
            {
                { "name", UniqueName("fw-") },
                { "location", Expr("location") },
                { "properties", new BicepObject
                    {
                        { "sku", new BicepObject { { "name", "AZFW_VNet" }, { "tier", "Standard" } } },
                        { "firewallPolicy", new BicepObject { { "id", Expr($"{policy}.id") } } },
                        { "ipConfigurations", new[]
                            {
                                new BicepObject
                                {
                                    { "name", "egress" },
                                    { "properties", new BicepObject
                                        {
                                            { "subnet", new BicepObject { { "id", Expr("firewallSubnetId") } } },
                                            { "publicIPAddress", new BicepObject { { "id", Expr($"{publicIp}.id") } } },
                                        }
                                    },
                                },
                            }
                        },
                    }
                },
            });
        file.Resource("firewallDiagnostics", DiagnosticSettingsType, "Every allowed and denied connection is logged.", DiagnosticSettings(firewall));
        return file;
    }

    private static BicepObject RuleCollection(string name, int priority, BicepObject[] rules) => new()
    {
        { "ruleCollectionType", "FirewallPolicyFilterRuleCollection" },
        { "name", name },
        { "priority", priority },
        { "action", new BicepObject { { "type", "Allow" } } },
        { "rules", rules },
    };

    /// <summary>
    /// A name that differs between Azure clouds comes from <c>environment()</c>, as Bicep's linter asks
    /// (no-hardcoded-env-urls): the host of its URL there; the others are the same in every cloud this app targets.
    /// </summary>
    private static object CloudHost(string host) => host switch
    {
        "management.azure.com" => Expr("split(environment().resourceManager, '/')[2]"),
        "login.microsoftonline.com" => Expr("split(environment().authentication.loginEndpoint, '/')[2]"),
        _ => host,
    };

    private static BicepObject ApplicationRule(string name, string targets, IReadOnlyList<object> values, int port, string why) => new()
    {
        { "ruleType", "ApplicationRule" },
        { "name", name },
        { "description", why },
        { "sourceAddresses", new[] { NetworkLayout.ClusterNodesSubnet } },
        { "protocols", new[] { new BicepObject { { "protocolType", port == EgressDestination.HttpPort ? "Http" : "Https" }, { "port", port } } } },
        { targets, values },
    };
}
