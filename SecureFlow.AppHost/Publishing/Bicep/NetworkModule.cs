using static SecureFlow.AppHost.Publishing.Bicep.BicepSyntax;

namespace SecureFlow.AppHost.Publishing.Bicep;

/// <summary>
/// <c>infra/network.bicep</c>: the spoke VNet and its subnets, their NSGs, the route that sends all cluster egress to
/// the firewall, and the private DNS zones (Key Vault's private link, the ingress's internal host names).
/// </summary>
internal static class NetworkModule
{
    public const string Path = "infra/network.bicep";

    public static BicepFile Build(PublishedApp app)
    {
        var file = new BicepFile(Path, "Network: VNet, subnets, NSGs, the route to the firewall, private DNS zones.");
        CommonParameters(file, logs: false);
        file.Parameter("domainName", "string", "The DNS domain of the public and ingress host names (for example contoso.com).");
        file.Variable("ingressZoneName", Expr($"'{AzureHostName.Labels(app.Backend.DestinationHost!).Split('.', 2)[1]}.${{domainName}}'"),
            "The ingress's host names resolve only inside the VNet: the ingress has no public address.");

        var appGatewayNsg = file.Resource("appGatewayNsg", "Microsoft.Network/networkSecurityGroups@2024-05-01",
            "Only HTTPS from the Internet reaches the App Gateway subnet; everything else is denied (plus what the gateway's control plane needs).",
            Named("nsg-appgateway", new BicepObject
            {
                { "securityRules", new[]
                    {
                        Rule("AllowHttpsFromInternet", 100, "Internet", "443", "Clients reach the listener over HTTPS only."),
                        Rule("AllowGatewayManager", 110, "GatewayManager", "65200-65535", "Application Gateway v2's infrastructure ports, required by Azure."),
                        Rule("AllowAzureLoadBalancer", 120, "AzureLoadBalancer", "*", "The platform's health probes."),
                        DenyAll(),
                    }
                },
            }));
        var nodesNsg = file.Resource("nodesNsg", "Microsoft.Network/networkSecurityGroups@2024-05-01",
            "The node subnet takes traffic from the cluster itself and the edge only, never from the Internet; NetworkPolicies narrow the rest per pod.",
            Named("nsg-clusternodes", new BicepObject
            {
                { "securityRules", new[]
                    {
                        Rule("AllowNodesToNodes", 100, NetworkLayout.ClusterNodesSubnet, "*", "Node to node: kubelet, system pods, services across nodes.", protocol: "*"),
                        Rule("AllowPodsToNodes", 110, NetworkLayout.PodCidr, "*", "Pod to pod across nodes (Azure CNI overlay keeps pod source addresses).", protocol: "*"),
                        Rule("AllowHttpsFromAppGateway", 120, NetworkLayout.ApplicationGatewaySubnet, "443", "The edge reaches the ingress's internal load balancer, which delivers to the nodes."),
                        Rule("AllowAzureLoadBalancer", 130, "AzureLoadBalancer", "*", "The platform's health probes of the internal load balancer."),
                        DenyAll(),
                    }
                },
            }));
        var ingressNsg = file.Resource("ingressNsg", "Microsoft.Network/networkSecurityGroups@2024-05-01",
            "Only the App Gateway subnet reaches the ingress's internal load balancer, on HTTPS.",
            Named("nsg-clusteringressservices", new BicepObject
            {
                { "securityRules", new[]
                    {
                        Rule("AllowHttpsFromAppGateway", 100, NetworkLayout.ApplicationGatewaySubnet, "443", "The edge re-encrypts to the ingress."),
                        Rule("AllowAzureLoadBalancer", 110, "AzureLoadBalancer", "*", "The platform's health probes."),
                        DenyAll(),
                    }
                },
            }));
        var privateEndpointsNsg = file.Resource("privateEndpointsNsg", "Microsoft.Network/networkSecurityGroups@2024-05-01",
            "Private endpoints accept traffic from inside the VNet only.",
            Named("nsg-privatelinkendpoints", new BicepObject
            {
                { "securityRules", new[]
                    {
                        Rule("AllowHttpsFromVnet", 100, "VirtualNetwork", "443", "Pods and the App Gateway read Key Vault over its private endpoint."),
                        DenyAll(),
                    }
                },
            }));

        var deploymentScriptsNsg = file.Resource("deploymentScriptsNsg", "Microsoft.Network/networkSecurityGroups@2024-05-01",
            "The provisioning script's container takes no inbound traffic at all; it only calls out (through the firewall).",
            Named("nsg-deploymentscripts", new BicepObject { { "securityRules", new[] { DenyAll() } } }));

        var routeTable = file.Resource("routeTable", "Microsoft.Network/routeTables@2024-05-01",
            "All egress of the cluster subnets goes through the firewall, which allows only the model's allow-list.",
            Named("route-to-firewall", new BicepObject
            {
                { "disableBgpRoutePropagation", true },
                { "routes", new[]
                    {
                        new BicepObject
                        {
                            { "name", "default-to-firewall" },
                            { "properties", new BicepObject
                                {
                                    { "addressPrefix", "0.0.0.0/0" },
                                    { "nextHopType", "VirtualAppliance" },
                                    { "nextHopIpAddress", NetworkLayout.FirewallPrivateAddress },
                                }
                            },
                        },
                    }
                },
            }));

        var vnet = file.Resource("vnet", "Microsoft.Network/virtualNetworks@2024-05-01", "The spoke network of the AKS baseline.", new BicepObject
        {
            { "name", UniqueName("vnet-") },
            { "location", Expr("location") },
            { "properties", new BicepObject
                {
                    { "addressSpace", new BicepObject { { "addressPrefixes", new[] { NetworkLayout.VirtualNetwork } } } },
                    { "dhcpOptions", new BicepObject { { "dnsServers", new[] { NetworkLayout.FirewallPrivateAddress } } },
                        "Every name is resolved through the firewall's DNS proxy, so its FQDN rules see what the cluster sees (as the AKS baseline)." },
                    { "subnets", new[]
                        {
                            Subnet("snet-clusternodes", NetworkLayout.ClusterNodesSubnet, nodesNsg, routeTable),
                            Subnet(NetworkLayout.IngressServicesSubnetName, NetworkLayout.IngressServicesSubnet, ingressNsg, routeTable),
                            Subnet("snet-applicationgateway", NetworkLayout.ApplicationGatewaySubnet, appGatewayNsg, routeTable: null),
                            Subnet("snet-privatelinkendpoints", NetworkLayout.PrivateEndpointsSubnet, privateEndpointsNsg, routeTable: null, privateEndpoints: true),
                            Subnet("AzureFirewallSubnet", NetworkLayout.FirewallSubnet, nsg: null, routeTable: null),
                            DeploymentScriptsSubnet(deploymentScriptsNsg, routeTable),
                        }
                    },
                }
            },
        });

        var vaultZone = file.Resource("vaultZone", "Microsoft.Network/privateDnsZones@2024-06-01",
            "Key Vault's name resolves to its private endpoint inside the VNet.", new BicepObject
            {
                { "name", Expr("'privatelink.vaultcore.azure.net'") },
                { "location", "global" },
            });
        var registryZone = file.Resource("registryZone", "Microsoft.Network/privateDnsZones@2024-06-01",
            "The registry's name resolves to its private endpoint inside the VNet: images never cross the Internet.", new BicepObject
            {
                { "name", Expr("'privatelink.azurecr.io'") },
                { "location", "global" },
            });
        var ingressZone = file.Resource("ingressZone", "Microsoft.Network/privateDnsZones@2024-06-01",
            "The App Gateway finds the ingress by host name, and that name never resolves outside the VNet.", new BicepObject
            {
                { "name", Expr("ingressZoneName") },
                { "location", "global" },
            });
        foreach (var (zone, symbol) in new[] { (vaultZone, "vaultZoneLink"), (registryZone, "registryZoneLink"), (ingressZone, "ingressZoneLink") })
        {
            file.Resource(symbol, "Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01", "Resolvable from the VNet only.", new BicepObject
            {
                { "parent", zone },
                { "name", "spoke" },
                { "location", "global" },
                { "properties", new BicepObject
                    {
                        { "registrationEnabled", false },
                        { "virtualNetwork", new BicepObject { { "id", Expr($"{vnet}.id") } } },
                    }
                },
            });
        }

        var backendLabel = AzureHostName.Labels(app.Backend.DestinationHost!).Split('.', 2)[0];
        file.Resource("ingressRecord", "Microsoft.Network/privateDnsZones/A@2024-06-01",
            "The backend host name points at the ingress's internal load balancer (its address is fixed in the Service).", new BicepObject
            {
                { "parent", ingressZone },
                { "name", backendLabel },
                { "properties", new BicepObject
                    {
                        { "ttl", 300 },
                        { "aRecords", new[] { new BicepObject { { "ipv4Address", NetworkLayout.IngressLoadBalancerAddress } } } },
                    }
                },
            });

        file.Output("vnetName", "string", Expr($"{vnet}.name"));
        file.Output("nodesSubnetId", "string", SubnetId(vnet, 0));
        file.Output("appGatewaySubnetId", "string", SubnetId(vnet, 2));
        file.Output("privateEndpointsSubnetId", "string", SubnetId(vnet, 3));
        file.Output("firewallSubnetId", "string", SubnetId(vnet, 4));
        file.Output("deploymentScriptsSubnetId", "string", SubnetId(vnet, 5));
        file.Output("vaultZoneId", "string", Expr($"{vaultZone}.id"));
        file.Output("registryZoneId", "string", Expr($"{registryZone}.id"));
        return file;
    }

    private static BicepExpression SubnetId(BicepExpression vnet, int index) => Expr($"{vnet}.properties.subnets[{index}].id");

    private static BicepObject Named(string name, BicepObject properties) => new()
    {
        { "name", name },
        { "location", Expr("location") },
        { "properties", properties },
    };

    private static BicepObject Rule(string name, int priority, string source, string ports, string why, string protocol = "Tcp") => new()
    {
        { "name", name },
        { "properties", new BicepObject
            {
                { "description", why },
                { "priority", priority },
                { "direction", "Inbound" },
                { "access", "Allow" },
                { "protocol", protocol },
                { "sourceAddressPrefix", source },
                { "sourcePortRange", "*" },
                { "destinationAddressPrefix", "*" },
                { "destinationPortRange", ports },
            }
        },
    };

    private static BicepObject DenyAll() => new()
    {
        { "name", "DenyAllInbound" },
        { "properties", new BicepObject
            {
                { "description", "Anything not allowed above is denied." },
                { "priority", 4096 },
                { "direction", "Inbound" },
                { "access", "Deny" },
                { "protocol", "*" },
                { "sourceAddressPrefix", "*" },
                { "sourcePortRange", "*" },
                { "destinationAddressPrefix", "*" },
                { "destinationPortRange", "*" },
            }
        },
    };

    /// <summary>
    /// Where the vault provisioning script's container runs (delegated to Azure Container Instances), so that it reaches
    /// the vault's private endpoint; its storage account admits this subnet only (service endpoint).
    /// </summary>
    private static BicepObject DeploymentScriptsSubnet(BicepExpression nsg, BicepExpression routeTable)
    {
        var subnet = Subnet(NetworkLayout.DeploymentScriptsSubnetName, NetworkLayout.DeploymentScriptsSubnet, nsg, routeTable);
        var properties = (BicepObject)subnet.Single(property => property.Name == "properties").Value;
        properties.Add("delegations", new[]
        {
            new BicepObject { { "name", "aci" }, { "properties", new BicepObject { { "serviceName", "Microsoft.ContainerInstance/containerGroups" } } } },
        });
        properties.Add("serviceEndpoints", new[] { new BicepObject { { "service", "Microsoft.Storage" } } });
        return subnet;
    }

    private static BicepObject Subnet(string name, string prefix, BicepExpression? nsg, BicepExpression? routeTable, bool privateEndpoints = false)
    {
        var properties = new BicepObject
        {
            { "addressPrefix", prefix },
            { "defaultOutboundAccess", false, "No implicit outbound Internet access: egress goes through the firewall or nowhere." },
        };
        if (nsg is not null)
        {
            properties.Add("networkSecurityGroup", new BicepObject { { "id", Expr($"{nsg}.id") } });
        }

        if (routeTable is not null)
        {
            properties.Add("routeTable", new BicepObject { { "id", Expr($"{routeTable}.id") } });
        }

        if (privateEndpoints)
        {
            properties.Add("privateEndpointNetworkPolicies", "Enabled", "The NSG applies to private endpoints too.");
        }

        return new BicepObject { { "name", name }, { "properties", properties } };
    }
}
