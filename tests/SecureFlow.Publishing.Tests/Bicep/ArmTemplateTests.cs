using System.Text.Json.Nodes;
using Aspire.Hosting.ApplicationModel;
using static SecureFlow.Publishing.Tests.Infrastructure.CompiledBicep;

namespace SecureFlow.Publishing.Tests.Bicep;

/// <summary>
/// Each control the issue names, asserted on the ARM JSON the Bicep CLI compiles: Bicep's types do not check enum values
/// (SKU names, modes, cipher names), so a typo there would deploy a weaker control without any diagnostic.
/// </summary>
public sealed class ArmTemplateTests
{
    [Fact]
    public async Task EdgeIsApplicationGatewayWafV2WithTheModelsTlsPolicy()
    {
        var template = await TemplateAsync("infra/appgateway.bicep");
        var gateway = Resource(template, "Microsoft.Network/applicationGateways")["properties"]!;

        Assert.Equal("WAF_v2", (string?)gateway["sku"]!["name"]);
        Assert.Equal("WAF_v2", (string?)gateway["sku"]!["tier"]);
        Assert.Equal("CustomV2", (string?)gateway["sslPolicy"]!["policyType"]);
        Assert.Equal("TLSv1_2", (string?)gateway["sslPolicy"]!["minProtocolVersion"]);
        Assert.Equal(TlsPolicy.Baseline.CipherSuites.Select(suite => suite.ToString()), Strings(gateway["sslPolicy"]!["cipherSuites"]));
        Assert.Contains("[resourceId('Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies'", (string?)gateway["firewallPolicy"]!["id"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task EdgeDropsWhatAClientClaimsAboutItselfAndSendsHsts()
    {
        var template = await TemplateAsync("infra/appgateway.bicep");
        var gateway = Resource(template, "Microsoft.Network/applicationGateways")["properties"]!;
        var ruleSet = Assert.Single(gateway["rewriteRuleSets"]!.AsArray())!;
        var actions = Assert.Single(ruleSet["properties"]!["rewriteRules"]!.AsArray())!["actionSet"]!;
        var requestHeaders = actions["requestHeaderConfigurations"]!.AsArray()
            .ToDictionary(header => (string)header!["headerName"]!, header => (string)header!["headerValue"]!);

        // The same list the local edge drops, from the model; Application Gateway deletes a header set to an empty value.
        Assert.Equal(ClientIdentityHeaders.All, requestHeaders.Keys);
        Assert.Equal("", requestHeaders["Forwarded"]);
        Assert.Equal("", requestHeaders["X-Real-IP"]);
        Assert.Equal("", requestHeaders["SecureFlow-Hop"]);
        Assert.Equal("{var_client_ip}", requestHeaders["X-Forwarded-For"]);
        var hsts = Assert.Single(actions["responseHeaderConfigurations"]!.AsArray())!;
        Assert.Equal("Strict-Transport-Security", (string?)hsts["headerName"]);
        Assert.Equal("max-age=31536000", (string?)hsts["headerValue"]);
        var rule = Assert.Single(gateway["requestRoutingRules"]!.AsArray())!["properties"]!;
        Assert.Contains($"'{(string?)ruleSet["name"]}')", (string?)rule["rewriteRuleSet"]!["id"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListenerIsHttpsOnlyRequiresSniAndReadsItsCertificateFromKeyVault()
    {
        var template = await TemplateAsync("infra/appgateway.bicep");
        var gateway = Resource(template, "Microsoft.Network/applicationGateways");
        var listener = Assert.Single(gateway["properties"]!["httpListeners"]!.AsArray())!["properties"]!;

        Assert.Equal("Https", (string?)listener["protocol"]);
        Assert.True((bool)listener["requireServerNameIndication"]!);
        Assert.Equal(["[format('delta.{0}', parameters('domainName'))]"], Strings(listener["hostNames"]));
        Assert.Equal(443, (int)Assert.Single(gateway["properties"]!["frontendPorts"]!.AsArray())!["properties"]!["port"]!);
        var certificate = Assert.Single(gateway["properties"]!["sslCertificates"]!.AsArray())!["properties"]!;
        Assert.Equal("[parameters('listenerCertificateSecretUri')]", (string?)certificate["keyVaultSecretId"]);
        Assert.Equal("UserAssigned", (string?)gateway["identity"]!["type"]);
    }

    [Fact]
    public async Task EdgeReEncryptsToTheIngressHostTrustingOnlyItsRootFromKeyVault()
    {
        var template = await TemplateAsync("infra/appgateway.bicep");
        var gateway = Resource(template, "Microsoft.Network/applicationGateways")["properties"]!;
        var settings = Assert.Single(gateway["backendHttpSettingsCollection"]!.AsArray())!["properties"]!;
        var probe = Assert.Single(gateway["probes"]!.AsArray())!["properties"]!;
        var pool = Assert.Single(gateway["backendAddressPools"]!.AsArray())!["properties"]!;

        Assert.Equal("[format('workload.aks-ingress.{0}', parameters('domainName'))]", Variable(template, "backendHostName"));
        Assert.Equal("Https", (string?)settings["protocol"]);
        Assert.Equal(443, (int)settings["port"]!);
        Assert.Equal("[variables('backendHostName')]", (string?)settings["hostName"]);
        Assert.False((bool)settings["pickHostNameFromBackendAddress"]!);
        Assert.Contains("'ingress-tls-root')]", (string?)Assert.Single(settings["trustedRootCertificates"]!.AsArray())!["id"], StringComparison.Ordinal);
        var root = Assert.Single(gateway["trustedRootCertificates"]!.AsArray())!;
        Assert.Equal("[parameters('trustedRootSecretUri')]", (string?)root["properties"]!["keyVaultSecretId"]);
        Assert.Equal("[variables('backendHostName')]", (string?)Assert.Single(pool["backendAddresses"]!.AsArray())!["fqdn"]);
        Assert.Equal("Https", (string?)probe["protocol"]);
        Assert.Equal("[variables('backendHostName')]", (string?)probe["host"]);
    }

    [Fact]
    public async Task WafPolicyPreventsWithDefaultRuleSet21AndBotManager()
    {
        var template = await TemplateAsync("infra/appgateway.bicep");
        var policy = Resource(template, "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies")["properties"]!;

        Assert.Equal("Prevention", (string?)policy["policySettings"]!["mode"]);
        Assert.Equal("Enabled", (string?)policy["policySettings"]!["state"]);
        var ruleSets = policy["managedRules"]!["managedRuleSets"]!.AsArray().Select(set => $"{set!["ruleSetType"]} {set["ruleSetVersion"]}");
        Assert.Equal(["Microsoft_DefaultRuleSet 2.1", "Microsoft_BotManagerRuleSet 1.1"], ruleSets);
        Assert.Empty(policy["managedRules"]!["exclusions"]!.AsArray());
    }

    [Fact]
    public async Task KeyVaultUsesRbacAndIsReachableOnlyThroughItsPrivateEndpoint()
    {
        var template = await TemplateAsync("infra/keyvault.bicep");
        var vault = Resource(template, "Microsoft.KeyVault/vaults")["properties"]!;

        Assert.True((bool)vault["enableRbacAuthorization"]!);
        Assert.Equal("Disabled", (string?)vault["publicNetworkAccess"]);
        Assert.Equal("Deny", (string?)vault["networkAcls"]!["defaultAction"]);
        Assert.True((bool)vault["enablePurgeProtection"]!);
        var endpoint = Resource(template, "Microsoft.Network/privateEndpoints")["properties"]!;
        Assert.Equal(["vault"], Strings(Assert.Single(endpoint["privateLinkServiceConnections"]!.AsArray())!["properties"]!["groupIds"]));
        Assert.Single(Resources(template, "Microsoft.Network/privateEndpoints/privateDnsZoneGroups"));
    }

    [Fact]
    public async Task EachIdentityReadsOnlyTheSecretsTheModelGrantsIt()
    {
        var template = await TemplateAsync("infra/keyvault.bicep");

        var grants = Resources(template, "Microsoft.Authorization/roleAssignments")
            .Where(assignment => !((string?)assignment["properties"]!["principalId"])!.Contains("id-vault-provisioner-", StringComparison.Ordinal))
            .Where(assignment => (string?)assignment["properties"]!["principalId"] != "[parameters('identityIssuerPrincipalId')]")
            .Select(assignment => $"{assignment["properties"]!["principalId"]} -> {SecretOf(assignment)} as {assignment["properties"]!["roleDefinitionId"]}")
            .Order(StringComparer.Ordinal);

        Assert.Equal(
        [
            "[parameters('edgePrincipalId')] -> edge-tls as [variables('keyVaultCertificateUserRole')]",
            "[parameters('edgePrincipalId')] -> ingress-tls as [variables('keyVaultSecretsUserRole')]",
            "[parameters('ingressPrincipalId')] -> ingress-mtls as [variables('keyVaultCertificateUserRole')]",
            "[parameters('ingressPrincipalId')] -> ingress-tls as [variables('keyVaultCertificateUserRole')]",
            "[parameters('ordersPrincipalId')] -> orders-mtls as [variables('keyVaultCertificateUserRole')]",
            "[parameters('workloadPrincipalId')] -> workload-api-key as [variables('keyVaultSecretsUserRole')]",
            "[parameters('workloadPrincipalId')] -> workload-mtls as [variables('keyVaultCertificateUserRole')]",
        ], grants);
        Assert.Equal("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')]", Variable(template, "keyVaultSecretsUserRole"));
        Assert.Equal("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'db79e9a7-68ee-4b58-9aeb-b90e7c24fcba')]", Variable(template, "keyVaultCertificateUserRole"));
    }

    [Fact]
    public async Task TheIdentityIssuerSignsWithTheNonExportableRootKeyAloneAndManagesCertificatesOnly()
    {
        var template = await TemplateAsync("infra/keyvault.bicep");

        var key = Resource(template, "Microsoft.KeyVault/vaults/keys");
        var grants = Resources(template, "Microsoft.Authorization/roleAssignments")
            .Where(assignment => (string?)assignment["properties"]!["principalId"] == "[parameters('identityIssuerPrincipalId')]")
            .Select(assignment => $"{assignment["scope"]} as {assignment["properties"]!["roleDefinitionId"]}")
            .Order(StringComparer.Ordinal);

        Assert.False((bool)key["properties"]!["attributes"]!["exportable"]!);
        Assert.Equal(["sign", "verify"], Strings(key["properties"]!["keyOps"]));
        Assert.Equal("RSA", (string?)key["properties"]!["kty"]);
        Assert.Contains("'mesh-root'", (string?)key["name"], StringComparison.Ordinal);
        Assert.Equal(
        [
            "[resourceId('Microsoft.KeyVault/vaults', format('kv-{0}', uniqueString(resourceGroup().id)))] as [variables('keyVaultCertificatesOfficerRole')]",
            "[resourceId('Microsoft.KeyVault/vaults/keys', format('kv-{0}', uniqueString(resourceGroup().id)), 'mesh-root')] as [variables('keyVaultCryptoUserRole')]",
        ], grants);
        Assert.Equal("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '12338af0-0e69-4776-bea7-57ae8d297424')]", Variable(template, "keyVaultCryptoUserRole"));
    }

    [Fact]
    public async Task ClusterHasEveryBaselineSecurityControl()
    {
        var template = await TemplateAsync("infra/aks.bicep");
        var cluster = Resource(template, "Microsoft.ContainerService/managedClusters")["properties"]!;

        Assert.True((bool)cluster["disableLocalAccounts"]!);
        Assert.True((bool)cluster["aadProfile"]!["managed"]!);
        Assert.True((bool)cluster["aadProfile"]!["enableAzureRBAC"]!);
        Assert.True((bool)cluster["apiServerAccessProfile"]!["disableRunCommand"]!);
        Assert.Equal("[parameters('privateApiServer')]", (string?)cluster["apiServerAccessProfile"]!["enablePrivateCluster"]);
        Assert.Equal("[if(parameters('privateApiServer'), createArray(), createArray(parameters('apiServerAuthorizedIpRange')))]", (string?)cluster["apiServerAccessProfile"]!["authorizedIPRanges"]);
        Assert.Equal("azure", (string?)cluster["networkProfile"]!["networkPlugin"]);
        Assert.Equal("overlay", (string?)cluster["networkProfile"]!["networkPluginMode"]);
        Assert.Equal("cilium", (string?)cluster["networkProfile"]!["networkPolicy"]);
        Assert.Equal("userDefinedRouting", (string?)cluster["networkProfile"]!["outboundType"]);
        Assert.True((bool)cluster["oidcIssuerProfile"]!["enabled"]!);
        Assert.True((bool)cluster["securityProfile"]!["workloadIdentity"]!["enabled"]!);
        var secretsProvider = cluster["addonProfiles"]!["azureKeyvaultSecretsProvider"]!;
        Assert.True((bool)secretsProvider["enabled"]!);
        Assert.Equal("true", (string?)secretsProvider["config"]!["enableSecretRotation"]);
        Assert.All(cluster["agentPoolProfiles"]!.AsArray(), pool => Assert.False((bool)pool!["enableNodePublicIP"]!));
    }

    [Fact]
    public async Task EachPodServiceAccountIsFederatedWithItsOwnIdentityAndTheKubeletOnlyPullsImages()
    {
        var template = await TemplateAsync("infra/aks.bicep");

        var subjects = Resources(template, "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials")
            .Select(credential => (string?)credential["properties"]!["subject"]);
        Assert.Equal(["system:serviceaccount:secureflow:ingress", "system:serviceaccount:secureflow:workload", "system:serviceaccount:secureflow:orders", "system:serviceaccount:secureflow:identity-issuer"], subjects);
        var acrPull = Assert.Single(Resources(template, "Microsoft.Authorization/roleAssignments"), assignment => ((string?)assignment["properties"]!["roleDefinitionId"])!.Contains("acrPull", StringComparison.Ordinal));
        Assert.Contains("kubeletidentity.objectId", (string?)acrPull["properties"]!["principalId"], StringComparison.Ordinal);
        Assert.Equal("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '7f951dda-4ed3-4680-a7ca-43fe172d538d')]", Variable(template, "acrPullRole"));
        Assert.False((bool)Resource(template, "Microsoft.ContainerRegistry/registries")["properties"]!["adminUserEnabled"]!);
    }

    [Fact]
    public async Task FirewallAllowsTheModelsEgressHostsAndAksRequirementsOnly()
    {
        var template = await TemplateAsync("infra/firewall.bicep");
        var group = Resources(template, "Microsoft.Network/firewallPolicies/ruleCollectionGroups").Single(group => ((string?)group["name"])!.Contains("'egress'", StringComparison.Ordinal))["properties"]!;
        var collections = group["ruleCollections"]!.AsArray().Select(collection => collection!).ToList();
        var workload = Assert.Single(collections, collection => (string?)collection["name"] == "workload-egress");
        var rule = Assert.Single(workload["rules"]!.AsArray())!;

        Assert.Equal(["aks-required", "workload-egress"], collections.Select(collection => (string?)collection["name"]));
        Assert.All(collections, collection => Assert.Equal("Allow", (string?)collection["action"]!["type"]));
        Assert.All(collections, collection => Assert.Equal("FirewallPolicyFilterRuleCollection", (string?)collection["ruleCollectionType"]));
        Assert.Equal(["api.example.org"], Strings(rule["targetFqdns"]));
        Assert.Equal("Https", (string?)Assert.Single(rule["protocols"]!.AsArray())!["protocolType"]);
        Assert.Equal(443, (int)Assert.Single(rule["protocols"]!.AsArray())!["port"]!);
        Assert.Equal(["10.240.0.0/22"], Strings(rule["sourceAddresses"]));
        Assert.Equal("Deny", (string?)Resource(template, "Microsoft.Network/firewallPolicies")["properties"]!["threatIntelMode"]);
    }

    [Fact]
    public async Task NetworkSendsClusterEgressToTheFirewallAndOpensTheGatewaySubnetToHttpsOnly()
    {
        var template = await TemplateAsync("infra/network.bicep");
        var subnets = Resource(template, "Microsoft.Network/virtualNetworks")["properties"]!["subnets"]!.AsArray();
        var route = Assert.Single(Resource(template, "Microsoft.Network/routeTables")["properties"]!["routes"]!.AsArray())!["properties"]!;
        var gatewayRules = Resources(template, "Microsoft.Network/networkSecurityGroups")
            .Single(nsg => (string?)nsg["name"] == "nsg-appgateway")["properties"]!["securityRules"]!.AsArray()
            .Select(rule => rule!["properties"]!)
            .Select(rule => $"{rule["access"]} {rule["sourceAddressPrefix"]} {rule["destinationPortRange"]}");

        Assert.All(subnets, subnet => Assert.False((bool)subnet!["properties"]!["defaultOutboundAccess"]!));
        Assert.Equal("0.0.0.0/0", (string?)route["addressPrefix"]);
        Assert.Equal("VirtualAppliance", (string?)route["nextHopType"]);
        Assert.Equal("10.240.6.4", (string?)route["nextHopIpAddress"]);
        Assert.Equal(
            ["snet-clusternodes", "snet-clusteringressservices", "snet-deploymentscripts"],
            subnets.Where(subnet => subnet!["properties"]!["routeTable"] is not null).Select(subnet => (string?)subnet!["name"]));
        Assert.Equal(["Allow Internet 443", "Allow GatewayManager 65200-65535", "Allow AzureLoadBalancer *", "Deny * *"], gatewayRules);
    }

    [Fact]
    public async Task EveryLoggedServiceSendsItsLogsToLogAnalytics()
    {
        foreach (var file in new[] { "infra/appgateway.bicep", "infra/firewall.bicep", "infra/keyvault.bicep", "infra/aks.bicep" })
        {
            var settings = Resource(await TemplateAsync(file), "Microsoft.Insights/diagnosticSettings")["properties"]!;

            Assert.Equal("[parameters('logAnalyticsWorkspaceId')]", (string?)settings["workspaceId"]);
            Assert.Equal("allLogs", (string?)Assert.Single(settings["logs"]!.AsArray())!["categoryGroup"]);
        }
    }

    [Fact]
    public async Task MainTagsTheResourceGroupForAzdAndOutputsWhatAzdNeeds()
    {
        var template = await TemplateAsync("infra/main.bicep");

        Assert.Equal("subscriptionDeploymentTemplate.json#", ((string?)template["$schema"])!.Split('/')[^1]);
        Assert.Equal("[parameters('environmentName')]", (string?)template["variables"]!["tags"]!["azd-env-name"]);
        Assert.Equal("[variables('tags')]", (string?)Resource(template, "Microsoft.Resources/resourceGroups")["tags"]);
        var outputs = template["outputs"]!.AsObject().Select(output => output.Key);
        Assert.Superset(
            new HashSet<string>(["AZURE_AKS_CLUSTER_NAME", "AZURE_CONTAINER_REGISTRY_ENDPOINT", "AZURE_KEY_VAULT_NAME", "AZURE_KEY_VAULT_ENDPOINT", "AZURE_TENANT_ID", "AZURE_EDGE_IDENTITY_CLIENT_ID", "AZURE_INGRESS_IDENTITY_CLIENT_ID", "AZURE_WORKLOAD_IDENTITY_CLIENT_ID"]),
            outputs.ToHashSet());
        Assert.All(template["parameters"]!.AsObject().Where(parameter => parameter.Key.EndsWith("Value", StringComparison.Ordinal)), parameter => Assert.Equal("securestring", (string?)parameter.Value!["type"]));
    }

    private static string SecretOf(JsonObject assignment) => ((string?)assignment["scope"])!.Split(", ")[^1].Trim('\'', ')', ']');

    private static List<string> Strings(JsonNode? array) => array is null ? [] : [.. array.AsArray().Select(item => (string)item!)];
}
