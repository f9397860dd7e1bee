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

    /// <summary>Entra ID (the script's sign-in) and Azure Resource Manager of the deployment's cloud, and the registry of the Azure CLI image.</summary>
    private static readonly object[] ProvisioningHosts =
    [
        Expr("replace(replace(environment().authentication.loginEndpoint, 'https://', ''), '/', '')"),
        Expr("replace(replace(environment().resourceManager, 'https://', ''), '/', '')"),
        "mcr.microsoft.com",
        "*.data.mcr.microsoft.com",
    ];

    public static BicepFile Build(PublishedApp app)
    {
        var file = new BicepFile(Path, "Firewall: egress allowed to the model's hosts and AKS's required endpoints only.");
        CommonParameters(file);
        file.Parameter("firewallSubnetId", "string", "The AzureFirewallSubnet of the spoke VNet.");
        file.Parameter("availabilityZones", "array", "The availability zones the firewall and its address span (none where the region has none).");
        var tier = app.FirewallTier.ToString();

        var publicIp = file.Resource("firewallPublicIp", "Microsoft.Network/publicIPAddresses@2024-05-01",
            "The single address the cluster's allowed egress leaves from.", new BicepObject
            {
                { "name", UniqueName("pip-fw-") },
                { "location", Expr("location") },
                { "sku", new BicepObject { { "name", "Standard" } } },
                { "zones", Expr("availabilityZones"), "Zone-redundant: the egress address survives the loss of a zone." },
                { "properties", new BicepObject { { "publicIPAllocationMethod", "Static" } } },
            });
        var policySettings = new BicepObject
        {
            { "sku", new BicepObject { { "tier", tier } }, "The model's tier (AddAzdPublishing): Premium inspects traffic with IDPS; Standard does not." },
            { "threatIntelMode", "Deny", "Known-malicious addresses and domains are blocked, not just logged." },
            { "dnsSettings", new BicepObject { { "enableProxy", true } }, "DNS proxy: the firewall resolves the names its FQDN rules match with the same answers the cluster gets." },
        };
        if (app.FirewallTier == AzureFirewallTier.Premium)
        {
            policySettings.Add("intrusionDetection", new BicepObject { { "mode", "Deny" } }, "IDPS: traffic matching a known attack signature is dropped, not just alerted on.");
        }

        var policy = file.Resource("firewallPolicy", "Microsoft.Network/firewallPolicies@2024-05-01",
            "Rules live in a policy so that they are reviewed as one object.", new BicepObject
            {
                { "name", UniqueName("fwp-") },
                { "location", Expr("location") },
                { "properties", policySettings },
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

        // Not the workload's egress (that is the allow-list above): what the vault provisioning script needs while azd
        // provisions, from its own subnet only.
        file.Resource("provisioningRules", "Microsoft.Network/firewallPolicies/ruleCollectionGroups@2024-05-01",
            "The vault provisioning script signs in with its identity and pulls the Azure CLI image; nothing else leaves its subnet.", new BicepObject
            {
                { "parent", policy },
                { "name", "vault-provisioning" },
                { "properties", new BicepObject
                    {
                        { "priority", 300 },
                        { "ruleCollections", new[]
                            {
                                new BicepObject
                                {
                                    { "ruleCollectionType", "FirewallPolicyFilterRuleCollection" },
                                    { "name", "deployment-script" },
                                    { "priority", 100 },
                                    { "action", new BicepObject { { "type", "Allow" } } },
                                    { "rules", new[]
                                        {
                                            new BicepObject
                                            {
                                                { "ruleType", "ApplicationRule" },
                                                { "name", "entra-arm-and-cli-image" },
                                                { "sourceAddresses", new[] { NetworkLayout.DeploymentScriptsSubnet } },
                                                { "protocols", new[] { new BicepObject { { "protocolType", "Https" }, { "port", 443 } } } },
                                                { "targetFqdns", ProvisioningHosts },
                                            },
                                        }
                                    },
                                },
                            }
                        },
                    }
                },
                { "dependsOn", new[] { Expr("egressRules") } },
            });

        var firewall = file.Resource("firewall", "Microsoft.Network/azureFirewalls@2024-05-01",
            "The next hop of every route out of the cluster subnets.", new BicepObject
            {
                { "name", UniqueName("fw-") },
                { "location", Expr("location") },
                { "zones", Expr("availabilityZones"), "Zone-redundant, as the AKS baseline's." },
                { "properties", new BicepObject
                    {
                        { "sku", new BicepObject { { "name", "AZFW_VNet" }, { "tier", tier } } },
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
