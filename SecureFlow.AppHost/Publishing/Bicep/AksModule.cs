using static SecureFlow.AppHost.Publishing.Bicep.BicepSyntax;

namespace SecureFlow.AppHost.Publishing.Bicep;

/// <summary>
/// <c>infra/aks.bicep</c>: the cluster with the AKS baseline's controls, its container registry, and the federated
/// credential that lets each pod's service account act as that pod's identity.
/// </summary>
internal static class AksModule
{
    public const string Path = "infra/aks.bicep";

    public static BicepFile Build(PublishedApp app)
    {
        var file = new BicepFile(Path, "AKS: the cluster, its registry and the pods' workload identities.");
        CommonParameters(file);
        file.Parameter("nodesSubnetId", "string", "The subnet of the cluster's nodes.");
        file.Parameter("vnetName", "string", "The spoke VNet, where the control plane manages the internal load balancer.");
        file.Parameter("controlPlaneIdentityName", "string", "The user-assigned identity of the AKS control plane.");
        foreach (var workload in app.WorkloadIdentities)
        {
            file.Parameter(IdentityParameter(workload), "string", $"The user-assigned identity {workload}'s pods act as (workload identity).");
        }

        file.Parameter("privateApiServer", "bool", "Whether the API server has a private address only (deploy from inside the VNet then).", defaultValue: false);
        file.Parameter("apiServerAuthorizedIpRange", "string", "The CIDR range allowed to reach the public API server (your address; unused with a private API server).");
        file.Parameter("privateEndpointsSubnetId", "string", "The subnet of the registry's private endpoint.");
        file.Parameter("registryZoneId", "string", "The private DNS zone privatelink.azurecr.io.");
        file.Parameter("availabilityZones", "array", "The availability zones the node pools and the registry span (none where the region has none).");

        var networkContributor = BuiltInRoles.Declare(file, "networkContributorRole", BuiltInRoles.NetworkContributor, "Network Contributor");
        var acrPull = BuiltInRoles.Declare(file, "acrPullRole", BuiltInRoles.AcrPull, "AcrPull");

        var vnet = file.Existing("vnet", "Microsoft.Network/virtualNetworks@2024-05-01", new BicepObject { { "name", Expr("vnetName") } });
        var controlPlane = file.Existing("controlPlaneIdentity", "Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31",
            new BicepObject { { "name", Expr("controlPlaneIdentityName") } });
        foreach (var workload in app.WorkloadIdentities)
        {
            file.Existing(IdentitySymbol(workload), "Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31",
                new BicepObject { { "name", Expr(IdentityParameter(workload)) } });
        }

        var networkRole = file.Resource("controlPlaneNetworkRole", RoleAssignmentType,
            "The control plane creates the ingress's internal load balancer in the spoke VNet; it gets that VNet and nothing more.",
            RoleAssignment(vnet, networkContributor, Expr($"{controlPlane}.properties.principalId"), Expr($"{controlPlane}.id")));

        var registry = file.Resource("registry", "Microsoft.ContainerRegistry/registries@2025-04-01",
            "Images come from the deployment's own registry, pulled by the kubelet's identity (no pull secret), over a private endpoint only.", new BicepObject
            {
                { "name", UniqueName("cr") },
                { "location", Expr("location") },
                { "sku", new BicepObject { { "name", "Premium" } }, "Premium: private endpoints, zone redundancy and retention, as the AKS baseline's registry." },
                { "properties", new BicepObject
                    {
                        { "adminUserEnabled", false, "No shared admin password: pushes and pulls use Entra ID identities." },
                        { "anonymousPullEnabled", false, "No image is readable without an identity." },
                        { "publicNetworkAccess", "Disabled", "No access from the Internet: only through the private endpoint." },
                        { "networkRuleBypassOptions", "None", "No Azure service reaches it around the private endpoint either." },
                        { "dataEndpointEnabled", true, "Image layers come from a regional data endpoint that resolves privately too." },
                        { "zoneRedundancy", Expr("empty(availabilityZones) ? 'Disabled' : 'Enabled'") },
                        { "policies", new BicepObject
                            {
                                { "retentionPolicy", new BicepObject { { "days", 15 }, { "status", "enabled" } }, "Untagged manifests are deleted after 15 days." },
                            }
                        },
                    }
                },
            });
        PrivateEndpoint(file, "registryEndpoint", registry, "registry", Expr("privateEndpointsSubnetId"), Expr("registryZoneId"),
            "The registry's only network path: a private address in the VNet (so the firewall needs no registry FQDN).",
            "The registry's login server and data endpoint resolve to the private endpoint inside the VNet.");

        var policies = BaselinePolicies.Select(policy => file.Resource(policy.Symbol, "Microsoft.Authorization/policyAssignments@2024-04-01",
            $"Azure Policy denies {policy.Why} in this resource group's clusters, as the AKS baseline.", new BicepObject
            {
                { "name", Expr($"guid(resourceGroup().id, '{policy.DefinitionId}')") },
                { "location", "global" },
                { "properties", new BicepObject
                    {
                        { "displayName", policy.DisplayName },
                        { "policyDefinitionId", Expr($"tenantResourceId('Microsoft.Authorization/policyDefinitions', '{policy.DefinitionId}')") },
                        { "parameters", new BicepObject
                            {
                                { "effect", new BicepObject { { "value", "Deny" } } },
                                { "excludedNamespaces", new BicepObject { { "value", Array.Empty<string>() } } },
                            }
                        },
                    }
                },
            })).ToList();

        var cluster = file.Resource("cluster", "Microsoft.ContainerService/managedClusters@2024-09-01",
            "The cluster, with the AKS baseline's security controls.", new BicepObject
            {
                { "name", UniqueName("aks-") },
                { "location", Expr("location") },
                { "identity", new BicepObject
                    {
                        { "type", "UserAssigned" },
                        { "userAssignedIdentities", new BicepObject { { $"'${{{controlPlane}.id}}'", new BicepObject() } } },
                    }
                },
                { "sku", new BicepObject { { "name", "Base" }, { "tier", "Standard" } } },
                { "properties", new BicepObject
                    {
                        { "dnsPrefix", UniqueName("aks-") },
                        { "enableRBAC", true },
                        { "disableLocalAccounts", true, "No static cluster-admin credential: every access is an Entra ID identity." },
                        { "aadProfile", new BicepObject
                            {
                                { "managed", true },
                                { "enableAzureRBAC", true, "Kubernetes authorization through Azure role assignments, audited in Azure." },
                                { "tenantID", Expr("subscription().tenantId") },
                            }
                        },
                        { "apiServerAccessProfile", new BicepObject
                            {
                                { "enablePrivateCluster", Expr("privateApiServer"), "The API server is not on the Internet..." },
                                { "authorizedIPRanges", Expr("privateApiServer ? [] : [apiServerAuthorizedIpRange]"), "...or only the given range reaches it." },
                                { "disableRunCommand", true, "No command execution on nodes through the Azure API, around Kubernetes RBAC." },
                            }
                        },
                        { "agentPoolProfiles", new[]
                            {
                                NodePool("system", "System", 3, "Standard_D2ds_v5", ["CriticalAddonsOnly=true:NoSchedule"],
                                    "The system pool runs the cluster's own add-ons only (tainted CriticalAddonsOnly): a workload never shares their nodes."),
                                NodePool("user", "User", 2, "Standard_D4ds_v5", [], "The workload's pool: the ingress and the workload run here."),
                            }
                        },
                        { "autoUpgradeProfile", new BicepObject
                            {
                                { "nodeOSUpgradeChannel", "NodeImage", "Node images with the OS's security fixes are applied weekly, as the AKS baseline." },
                                { "upgradeChannel", "patch", "Kubernetes patch releases are applied automatically (the baseline leaves this to the operators: none)." },
                            }
                        },
                        { "networkProfile", new BicepObject
                            {
                                { "networkPlugin", "azure" },
                                { "networkPluginMode", "overlay", "Azure CNI overlay: pod addresses never consume or leak into the VNet." },
                                { "networkDataplane", "cilium" },
                                { "networkPolicy", "cilium", "NetworkPolicies are enforced: default deny, then the model's edges." },
                                { "outboundType", "userDefinedRouting", "Egress follows the route table to the firewall, not a public load balancer." },
                                { "loadBalancerSku", "standard" },
                                { "podCidr", NetworkLayout.PodCidr },
                                { "serviceCidr", NetworkLayout.ServiceCidr },
                                { "dnsServiceIP", NetworkLayout.DnsServiceAddress },
                            }
                        },
                        { "oidcIssuerProfile", new BicepObject { { "enabled", true } }, "Issues the service account tokens workload identity exchanges." },
                        { "securityProfile", new BicepObject
                            {
                                { "workloadIdentity", new BicepObject { { "enabled", true } }, "Pods authenticate as their own identity: no secrets in the cluster." },
                                { "defender", new BicepObject
                                    {
                                        { "logAnalyticsWorkspaceResourceId", Expr("logAnalyticsWorkspaceId") },
                                        { "securityMonitoring", new BicepObject { { "enabled", true } } },
                                    }, "Microsoft Defender for Containers watches the nodes and the API server for attacks."
                                },
                                { "imageCleaner", new BicepObject { { "enabled", true }, { "intervalHours", 120 } },
                                    "Unused (and possibly vulnerable) images are removed from the nodes every 5 days." },
                            }
                        },
                        { "addonProfiles", new BicepObject
                            {
                                { "azurepolicy", new BicepObject { { "enabled", true }, { "config", new BicepObject { { "version", "v2" } } } },
                                    "Azure Policy's Gatekeeper enforces the policies assigned below inside the cluster." },
                                { "azureKeyvaultSecretsProvider", new BicepObject
                                    {
                                        { "enabled", true },
                                        { "config", new BicepObject
                                            {
                                                { "enableSecretRotation", "true", "A renewed certificate reaches the pods without a redeploy." },
                                                { "rotationPollInterval", "2m" },
                                            }
                                        },
                                    }, "The Secrets Store CSI driver mounts the ingress's certificate from Key Vault."
                                },
                            }
                        },
                    }
                },
                { "dependsOn", (BicepExpression[])[networkRole, .. policies] },
            });

        file.Resource("kubeletAcrPull", RoleAssignmentType, "The kubelet pulls images and can do nothing else with the registry.",
            RoleAssignment(registry, acrPull, Expr($"{cluster}.properties.identityProfile.kubeletidentity.objectId"), Expr($"{cluster}.id")));

        foreach (var workload in app.WorkloadIdentities)
        {
            file.Resource(BicepSymbol.From(workload + "-federation"), "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31",
                $"Only the service account {PublishedApp.Namespace}/{workload} of this cluster can act as {workload}'s identity.", new BicepObject
                {
                    { "parent", new BicepExpression(IdentitySymbol(workload)) },
                    { "name", "aks" },
                    { "properties", new BicepObject
                        {
                            { "issuer", Expr($"{cluster}.properties.oidcIssuerProfile.issuerURL") },
                            { "subject", $"system:serviceaccount:{PublishedApp.Namespace}:{workload}" },
                            { "audiences", new[] { "api://AzureADTokenExchange" } },
                        }
                    },
                });
        }

        file.Resource("clusterDiagnostics", DiagnosticSettingsType, "API server audit and control plane logs.", DiagnosticSettings(cluster));
        file.Output("clusterName", "string", Expr($"{cluster}.name"));
        file.Output("registryName", "string", Expr($"{registry}.name"));
        file.Output("registryEndpoint", "string", Expr($"{registry}.properties.loginServer"));
        return file;
    }

    public static string IdentityParameter(string pod) => BicepSymbol.From(pod + "-identity-name");

    /// <summary>The AKS baseline's deny policies for what reaches a cluster from outside (workload-team/modules/policies.bicep).</summary>
    public static IReadOnlyList<(string Symbol, string DefinitionId, string DisplayName, string Why)> BaselinePolicies { get; } =
    [
        ("httpsOnlyIngressPolicy", "1a5b4dca-0b6f-4cf5-907c-56316bc1bf3d", "Kubernetes clusters should be accessible only over HTTPS", "an ingress that is not HTTPS only"),
        ("internalLoadBalancersPolicy", "3fc4dc25-5baf-40d8-9b05-7fe74c1bc64e", "Kubernetes clusters should use internal load balancers", "a Service with a public load balancer"),
    ];

    private static BicepObject NodePool(string name, string mode, int count, string vmSize, string[] taints, string why)
    {
        var pool = new BicepObject
        {
            { "name", name },
            { "mode", mode, why },
            { "count", count },
            { "vmSize", vmSize },
            { "osType", "Linux" },
            { "osSKU", "AzureLinux" },
            { "type", "VirtualMachineScaleSets" },
            { "availabilityZones", Expr("availabilityZones") },
            { "vnetSubnetID", Expr("nodesSubnetId") },
            { "enableNodePublicIP", false, "Nodes have no public address: nothing reaches them from the Internet, and egress takes the firewall." },
            { "maxPods", 30 },
            { "upgradeSettings", new BicepObject { { "maxSurge", "33%" } } },
        };
        if (taints.Length > 0)
        {
            pool.Add("nodeTaints", taints);
        }

        return pool;
    }

    private static string IdentitySymbol(string pod) => BicepSymbol.From(pod + "-identity");
}
