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
        foreach (var pod in app.Pods)
        {
            file.Parameter(IdentityParameter(pod.Name), "string", $"The user-assigned identity {pod.Name}'s pods act as (workload identity).");
        }

        file.Parameter("privateApiServer", "bool", "Whether the API server has a private address only (deploy from inside the VNet then).", defaultValue: false);
        file.Parameter("apiServerAuthorizedIpRange", "string", "The CIDR range allowed to reach the public API server (your address; unused with a private API server).");

        var networkContributor = BuiltInRoles.Declare(file, "networkContributorRole", BuiltInRoles.NetworkContributor, "Network Contributor");
        var acrPull = BuiltInRoles.Declare(file, "acrPullRole", BuiltInRoles.AcrPull, "AcrPull");

        var vnet = file.Existing("vnet", "Microsoft.Network/virtualNetworks@2024-05-01", new BicepObject { { "name", Expr("vnetName") } });
        var controlPlane = file.Existing("controlPlaneIdentity", "Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31",
            new BicepObject { { "name", Expr("controlPlaneIdentityName") } });
        foreach (var pod in app.Pods)
        {
            file.Existing(IdentitySymbol(pod.Name), "Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31",
                new BicepObject { { "name", Expr(IdentityParameter(pod.Name)) } });
        }

        var networkRole = file.Resource("controlPlaneNetworkRole", RoleAssignmentType,
            "The control plane creates the ingress's internal load balancer in the spoke VNet; it gets that VNet and nothing more.",
            RoleAssignment(vnet, networkContributor, Expr($"{controlPlane}.properties.principalId"), Expr($"{controlPlane}.id")));

        var registry = file.Resource("registry", "Microsoft.ContainerRegistry/registries@2023-07-01",
            "Images come from the deployment's own registry, pulled by the kubelet's identity (no pull secret).", new BicepObject
            {
                { "name", UniqueName("cr") },
                { "location", Expr("location") },
                { "sku", new BicepObject { { "name", "Standard" } } },
                { "properties", new BicepObject
                    {
                        { "adminUserEnabled", false, "No shared admin password: pushes and pulls use Entra ID identities." },
                    }
                },
            });

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
                                new BicepObject
                                {
                                    { "name", "system" },
                                    { "mode", "System" },
                                    { "count", 3 },
                                    { "vmSize", "Standard_D4ds_v5" },
                                    { "osType", "Linux" },
                                    { "osSKU", "AzureLinux" },
                                    { "type", "VirtualMachineScaleSets" },
                                    { "availabilityZones", new[] { "1", "2", "3" } },
                                    { "vnetSubnetID", Expr("nodesSubnetId") },
                                    { "enableNodePublicIP", false, "Nodes have no public address: nothing reaches them from the Internet, and egress takes the firewall." },
                                    { "maxPods", 30 },
                                }
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
                            }
                        },
                        { "addonProfiles", new BicepObject
                            {
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
                { "dependsOn", new[] { networkRole } },
            });

        file.Resource("kubeletAcrPull", RoleAssignmentType, "The kubelet pulls images and can do nothing else with the registry.",
            RoleAssignment(registry, acrPull, Expr($"{cluster}.properties.identityProfile.kubeletidentity.objectId"), Expr($"{cluster}.id")));

        foreach (var pod in app.Pods)
        {
            file.Resource(BicepSymbol.From(pod.Name + "-federation"), "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31",
                $"Only the service account {PublishedApp.Namespace}/{pod.Name} of this cluster can act as {pod.Name}'s identity.", new BicepObject
                {
                    { "parent", new BicepExpression(IdentitySymbol(pod.Name)) },
                    { "name", "aks" },
                    { "properties", new BicepObject
                        {
                            { "issuer", Expr($"{cluster}.properties.oidcIssuerProfile.issuerURL") },
                            { "subject", $"system:serviceaccount:{PublishedApp.Namespace}:{pod.Name}" },
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

    private static string IdentitySymbol(string pod) => BicepSymbol.From(pod + "-identity");
}
