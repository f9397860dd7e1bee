using static SecureFlow.AppHost.Publishing.Bicep.BicepSyntax;

namespace SecureFlow.AppHost.Publishing.Bicep;

/// <summary>
/// <c>infra/main.bicep</c>: the entry point azd provisions. Subscription scope: a resource group tagged with the azd
/// environment, then one module per concern, and the outputs azd hands to the manifests.
/// </summary>
internal static class MainTemplate
{
    public const string Path = "infra/main.bicep";

    public static BicepFile Build(PublishedApp app)
    {
        var file = new BicepFile(Path, "SecureFlow on Azure: Application Gateway WAF_v2 -> AKS ingress -> workload.", targetScope: "subscription");
        file.Parameter("environmentName", "string", "The azd environment name: names the resource group and tags it.");
        file.Parameter("location", "string", "The Azure region of every resource.");
        file.Parameter("domainName", "string", "The DNS domain of the public and ingress host names (for example contoso.com).");
        file.Parameter("useAvailabilityZones", "bool",
            "Whether Application Gateway, Azure Firewall, their public addresses, the registry and the node pools span the region's three availability zones (turn off only where the region has none).",
            defaultValue: true);
        file.Parameter("privateApiServer", "bool", "Whether the AKS API server has a private address only.", defaultValue: false);
        file.Parameter("apiServerAuthorizedIpRange", "string", "The CIDR range allowed to reach the AKS API server (set by the preprovision hook to your address).");
        file.Parameter("publicCertificateIssuer", "string",
            "The Key Vault issuer of the public certificates: Self (a demo), or one you registered with the vault, which orders and renews them.", defaultValue: "Self");

        file.Variable("tags", new BicepObject { { "'azd-env-name'", Expr("environmentName") } }, "azd finds the deployment's resources by this tag.");
        var zones = file.Variable("availabilityZones", Expr("useAvailabilityZones ? ['1', '2', '3'] : []"), "Zone redundancy survives the loss of a datacenter.");

        file.Resource("rg", "Microsoft.Resources/resourceGroups@2024-03-01", "Everything of one azd environment, deleted together by azd down.", new BicepObject
        {
            { "name", Expr("'rg-${environmentName}'") },
            { "location", Expr("location") },
            { "tags", Expr("tags") },
        });

        var monitoring = file.Module("monitoring", "monitoring.bicep", "Logs of every control below.",
            ModuleBody("monitoring", new BicepObject { { "location", Expr("location") } }));
        var workspace = Expr($"{monitoring}.outputs.workspaceId");

        var network = file.Module("network", "network.bicep", "VNet, NSGs, the route to the firewall, private DNS.",
            ModuleBody("network", new BicepObject { { "location", Expr("location") }, { "domainName", Expr("domainName") } }));

        var firewall = file.Module("firewall", "firewall.bicep", "The only way out of the cluster.", ModuleBody("firewall", new BicepObject
        {
            { "location", Expr("location") },
            { "logAnalyticsWorkspaceId", workspace },
            { "firewallSubnetId", Expr($"{network}.outputs.firewallSubnetId") },
            { "availabilityZones", zones },
        }));

        var identities = file.Module("identities", "identities.bicep", "One identity per service.",
            ModuleBody("identities", new BicepObject { { "location", Expr("location") } }));

        var keyVaultParameters = new BicepObject
        {
            { "location", Expr("location") },
            { "logAnalyticsWorkspaceId", workspace },
            { "privateEndpointsSubnetId", Expr($"{network}.outputs.privateEndpointsSubnetId") },
            { "vaultZoneId", Expr($"{network}.outputs.vaultZoneId") },
            { "deploymentScriptsSubnetId", Expr($"{network}.outputs.deploymentScriptsSubnetId") },
            { "domainName", Expr("domainName") },
            { "publicCertificateIssuer", Expr("publicCertificateIssuer") },
        };
        foreach (var principal in KeyVaultModule.Principals(app))
        {
            keyVaultParameters.Add(KeyVaultModule.PrincipalParameter(principal), Expr($"{identities}.outputs.{BicepSymbol.From(principal + "-principal-id")}"));
        }

        // The provisioning script leaves its subnet through the firewall: the firewall comes first.
        var keyVault = file.Module("keyVault", "keyvault.bicep", "The certificates Key Vault creates and renews, and who may read each.",
            ModuleBody("keyvault", keyVaultParameters, dependsOn: firewall));

        var listener = app.Secrets.Single(secret => secret.Certificate == app.Edge.Certificates[0] && secret.Format == SecretFormat.Pkcs12);
        var trustedRoot = app.Secrets.Single(secret => secret.Certificate == app.Backend.DestinationCertificate && secret.Format == SecretFormat.TrustedRoot);
        file.Module("appGateway", "appgateway.bicep", "The public edge.", ModuleBody("appgateway", new BicepObject
        {
            { "location", Expr("location") },
            { "logAnalyticsWorkspaceId", workspace },
            { "subnetId", Expr($"{network}.outputs.appGatewaySubnetId") },
            { "identityId", Expr($"{identities}.outputs.{BicepSymbol.From(app.Edge.Name + "-id")}") },
            { "listenerCertificateSecretUri", Expr($"{keyVault}.outputs.{listener.Symbol}SecretUri") },
            { "trustedRootSecretUri", Expr($"{keyVault}.outputs.{trustedRoot.Symbol}SecretUri") },
            { "domainName", Expr("domainName") },
            { "availabilityZones", zones },
        }));

        var aksParameters = new BicepObject
        {
            { "location", Expr("location") },
            { "logAnalyticsWorkspaceId", workspace },
            { "nodesSubnetId", Expr($"{network}.outputs.nodesSubnetId") },
            { "vnetName", Expr($"{network}.outputs.vnetName") },
            { "controlPlaneIdentityName", Expr($"{identities}.outputs.{BicepSymbol.From(IdentitiesModule.ControlPlane + "-name")}") },
            { "privateApiServer", Expr("privateApiServer") },
            { "apiServerAuthorizedIpRange", Expr("apiServerAuthorizedIpRange") },
            { "privateEndpointsSubnetId", Expr($"{network}.outputs.privateEndpointsSubnetId") },
            { "registryZoneId", Expr($"{network}.outputs.registryZoneId") },
            { "availabilityZones", zones },
        };
        foreach (var workload in app.WorkloadIdentities)
        {
            aksParameters.Add(AksModule.IdentityParameter(workload), Expr($"{identities}.outputs.{BicepSymbol.From(workload + "-name")}"));
        }

        // Nodes reach their bootstrap endpoints only through the firewall: it comes first.
        var aks = file.Module("aks", "aks.bicep", "The cluster and its registry.", ModuleBody("aks", aksParameters, dependsOn: firewall));

        file.Output("AZURE_TENANT_ID", "string", Expr("subscription().tenantId"));
        file.Output("AZURE_RESOURCE_GROUP", "string", Expr("rg.name"));
        file.Output("AZURE_AKS_CLUSTER_NAME", "string", Expr($"{aks}.outputs.clusterName"));
        file.Output("AZURE_CONTAINER_REGISTRY_NAME", "string", Expr($"{aks}.outputs.registryName"));
        file.Output("AZURE_CONTAINER_REGISTRY_ENDPOINT", "string", Expr($"{aks}.outputs.registryEndpoint"));
        file.Output("AZURE_KEY_VAULT_NAME", "string", Expr($"{keyVault}.outputs.vaultName"));
        file.Output("AZURE_KEY_VAULT_ENDPOINT", "string", Expr($"{keyVault}.outputs.vaultUri"));
        foreach (var name in IdentitiesModule.Names(app).Where(name => name != IdentitiesModule.ControlPlane))
        {
            file.Output(IdentityClientIdVariable(name), "string", Expr($"{identities}.outputs.{BicepSymbol.From(name + "-client-id")}"));
        }

        return file;
    }

    /// <summary>The azd environment variable that carries a service's identity client id into the manifests.</summary>
    public static string IdentityClientIdVariable(string service) => $"AZURE_{service.Replace('-', '_').ToUpperInvariant()}_IDENTITY_CLIENT_ID";

    private static BicepObject ModuleBody(string name, BicepObject parameters, BicepExpression? dependsOn = null)
    {
        var body = new BicepObject
        {
            { "name", name },
            { "scope", Expr("rg") },
            { "params", parameters },
        };
        if (dependsOn is not null)
        {
            body.Add("dependsOn", new[] { dependsOn });
        }

        return body;
    }
}
