using System.Text.Json.Nodes;
using SecureFlow.Publishing.Tests.Infrastructure;
using static SecureFlow.Publishing.Tests.Infrastructure.CompiledBicep;

namespace SecureFlow.Publishing.Tests.Bicep;

/// <summary>
/// In Azure, Key Vault creates and renews every certificate: no private key or secret value passes through azd, the
/// deployment's parameters or a file, and Application Gateway follows each renewal (listener and trusted root).
/// </summary>
public sealed class VaultCertificateTests
{
    [Fact]
    public async Task KeyVaultCreatesEveryCertificateWithAPolicyThatRenewsIt()
    {
        var template = await TemplateAsync("infra/keyvault.bicep");
        var script = Resource(template, "Microsoft.Resources/deploymentScripts");
        var environment = script["properties"]!["environmentVariables"]!.AsArray().ToDictionary(variable => (string)variable!["name"]!, variable => (string?)variable!["value"]);
        var content = (string)script["properties"]!["scriptContent"]!;

        foreach (var (certificate, variable, issuer, contentType) in new[]
        {
            ("edge-tls", "edgeTlsPolicy", "[parameters('publicCertificateIssuer')]", "application/x-pkcs12"),
            ("ingress-tls", "ingressTlsPolicy", "Self", "application/x-pem-file"),
        })
        {
            var policy = template["variables"]![variable]!;
            var renewal = Assert.Single(policy["lifetimeActions"]!.AsArray())!;
            Assert.Equal("AutoRenew", (string?)renewal["action"]!["actionType"]);
            Assert.Equal(30, (int)renewal["trigger"]!["daysBeforeExpiry"]!);
            Assert.Equal(issuer, (string?)policy["issuerParameters"]!["name"]);
            Assert.Equal(contentType, (string?)policy["secretProperties"]!["contentType"]);
            Assert.Equal($"[string(variables('{variable}'))]", environment[$"{certificate.Replace('-', '_').ToUpperInvariant()}_POLICY"]);
            Assert.Contains($"ensure_certificate {certificate} \"${certificate.Replace('-', '_').ToUpperInvariant()}_POLICY\"", content, StringComparison.Ordinal);
        }

        Assert.Contains("ensure_secret workload-api-key", content, StringComparison.Ordinal);
        Assert.Contains("az keyvault certificate create --vault-name \"$VAULT_NAME\" --name \"$1\" --policy \"$2\"", content, StringComparison.Ordinal);
        Assert.Equal("[parameters('deploymentScriptsSubnetId')]", (string?)Assert.Single(script["properties"]!["containerSettings"]!["subnetIds"]!.AsArray())!["id"]);
        Assert.Equal("Disabled", (string?)Resource(template, "Microsoft.KeyVault/vaults")["properties"]!["publicNetworkAccess"]);
    }

    [Fact]
    public async Task TheCertificateApplicationGatewayTrustsKeepsItsKeyAtRenewalAndTheOthersGetANewOne()
    {
        var template = await TemplateAsync("infra/keyvault.bicep");

        // Renewed with the same subject and key, the ingress certificate still validates against the previous version,
        // which Application Gateway trusts until its next poll.
        Assert.True((bool)template["variables"]!["ingressTlsPolicy"]!["keyProperties"]!["reuseKey"]!);
        Assert.False((bool)template["variables"]!["edgeTlsPolicy"]!["keyProperties"]!["reuseKey"]!);
    }

    [Fact]
    public async Task NoPrivateKeyOrSecretValuePassesThroughTheDeployment()
    {
        var main = await TemplateAsync("infra/main.bicep");
        var keyVault = await TemplateAsync("infra/keyvault.bicep");
        var parameters = File.ReadAllText(Path.Combine(await PublishedOutput.DirectoryAsync(), "infra", "main.parameters.json"));

        Assert.DoesNotContain(main["parameters"]!.AsObject(), parameter => (string?)parameter.Value!["type"] is "securestring" or "secureObject");
        Assert.DoesNotContain(keyVault["parameters"]!.AsObject(), parameter => (string?)parameter.Value!["type"] is "securestring" or "secureObject");
        Assert.Empty(Resources(keyVault, "Microsoft.KeyVault/vaults/secrets"));
        Assert.DoesNotContain("_BASE64", parameters, StringComparison.Ordinal);
        Assert.DoesNotContain("_VALUE", parameters, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplicationGatewayReadsVersionlessSecretsAndTrustsTheIngressCertificateItself()
    {
        var keyVault = await TemplateAsync("infra/keyvault.bicep");
        var outputs = keyVault["outputs"]!.AsObject();

        Assert.StartsWith("[format('{0}secrets/ingress-tls'", Value(outputs, "ingressTlsRootSecretUri"), StringComparison.Ordinal);
        Assert.StartsWith("[format('{0}secrets/edge-tls'", Value(outputs, "edgeTlsSecretUri"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheProvisioningScriptMayCreateCertificatesAndSecretsInThisVaultOnly()
    {
        var template = await TemplateAsync("infra/keyvault.bicep");

        var grants = Resources(template, "Microsoft.Authorization/roleAssignments")
            .Where(assignment => ((string?)assignment["properties"]!["principalId"])!.Contains("id-vault-provisioner-", StringComparison.Ordinal))
            .Select(assignment => $"{assignment["properties"]!["roleDefinitionId"]} on {assignment["scope"]}")
            .Order(StringComparer.Ordinal);

        Assert.Equal(
        [
            "[variables('keyVaultCertificatesOfficerRole')] on [resourceId('Microsoft.KeyVault/vaults', format('kv-{0}', uniqueString(resourceGroup().id)))]",
            "[variables('keyVaultSecretsOfficerRole')] on [resourceId('Microsoft.KeyVault/vaults', format('kv-{0}', uniqueString(resourceGroup().id)))]",
            "[variables('storageFilePrivilegedContributorRole')] on [resourceId('Microsoft.Storage/storageAccounts', format('stprov{0}', uniqueString(resourceGroup().id)))]",
        ], grants);
    }

    private static string Value(JsonObject outputs, string name) => (string)outputs[name]!["value"]!;
}
