using SecureFlow.AppHost.Publishing.IdentityIssuer;
using static SecureFlow.AppHost.Publishing.Bicep.BicepSyntax;

namespace SecureFlow.AppHost.Publishing.Bicep;

/// <summary>
/// <c>infra/keyvault.bicep</c>: the vault that holds every certificate, reachable only through its private endpoint,
/// authorizing with Azure RBAC; the script that has it create and renew the certificates (<see cref="VaultProvisioning"/>);
/// and the role assignments the model derives, each scoped to one secret.
/// </summary>
internal static class KeyVaultModule
{
    public const string Path = "infra/keyvault.bicep";

    public static BicepFile Build(PublishedApp app)
    {
        var file = new BicepFile(Path, "Key Vault: the certificates it creates and renews, private access only, and who may read which secret.");
        CommonParameters(file);
        file.Parameter("privateEndpointsSubnetId", "string", "The subnet of the vault's private endpoint.");
        file.Parameter("vaultZoneId", "string", "The private DNS zone privatelink.vaultcore.azure.net.");
        foreach (var principal in Principals(app))
        {
            file.Parameter(PrincipalParameter(principal), "string", $"The principal id of {principal}'s identity.");
        }

        file.Parameter("domainName", "string", "The DNS domain of the certificates' host names.");
        file.Parameter("publicCertificateIssuer", "string",
            "The Key Vault issuer of the certificates Application Gateway serves: Self (a demo), or an issuer you registered with the vault (DigiCert, GlobalSign), which then orders and renews them.",
            defaultValue: "Self");
        file.Parameter("deploymentScriptsSubnetId", "string", "The subnet the vault provisioning script runs in (it reaches the vault through its private endpoint).");
        file.Parameter("provisioningRun", "string", "Changes on every deployment, so that the provisioning script runs each time (it is idempotent).", defaultValue: new BicepExpression("utcNow()"));

        var roles = app.RoleAssignments.Select(assignment => assignment.Role).Distinct().ToDictionary(
            role => role,
            role => BuiltInRoles.Declare(file, BicepSymbol.From($"key-vault-{role}-role"), BuiltInRoles.Of(role).Id, BuiltInRoles.Of(role).Name));

        var vault = file.Resource("vault", "Microsoft.KeyVault/vaults@2024-11-01", "Every certificate of the deployment lives here.", new BicepObject
        {
            { "name", UniqueName("kv-") },
            { "location", Expr("location") },
            { "properties", new BicepObject
                {
                    { "tenantId", Expr("subscription().tenantId") },
                    { "sku", new BicepObject { { "family", "A" }, { "name", "standard" } } },
                    { "enableRbacAuthorization", true, "Azure RBAC, not access policies: grants are role assignments scoped to single secrets." },
                    { "publicNetworkAccess", "Disabled", "No access from the Internet: only through the private endpoint." },
                    { "networkAcls", new BicepObject
                        {
                            { "defaultAction", "Deny" },
                            { "bypass", "AzureServices", "Application Gateway reads its certificates as a trusted Azure service." },
                        }
                    },
                    { "enableSoftDelete", true, "A deleted certificate can be recovered." },
                    { "softDeleteRetentionInDays", 7 },
                    { "enablePurgeProtection", true, "Nobody can purge a certificate before its retention ends." },
                }
            },
        });

        PrivateEndpoint(file, "vaultEndpoint", vault, "vault", Expr("privateEndpointsSubnetId"), Expr("vaultZoneId"),
            "The vault's only network path: a private address in the VNet.", "The vault's name resolves to the private endpoint inside the VNet.");
        file.Resource("vaultDiagnostics", DiagnosticSettingsType, "Every read of a secret is audited.", DiagnosticSettings(vault));

        var provisioning = VaultProvisioning.Declare(file, app, vault, Expr("vaultEndpointDns"));

        // The secrets the script created, referenced so that each grant is scoped to one of them.
        foreach (var name in app.Secrets.Select(AzureSecretName).Distinct())
        {
            file.Existing(BicepSymbol.From(name) + "Secret", "Microsoft.KeyVault/vaults/secrets@2024-11-01", new BicepObject { { "parent", vault }, { "name", name } });
        }

        foreach (var assignment in app.RoleAssignments)
        {
            var name = AzureSecretName(assignment.Secret);
            var secret = new BicepExpression(BicepSymbol.From(name) + "Secret");
            var principal = PrincipalParameter(assignment.Principal);
            var grant = RoleAssignment(secret, roles[assignment.Role], Expr(principal), Expr(principal));
            grant.Add("dependsOn", new[] { provisioning });
            file.Resource(BicepSymbol.From($"{assignment.Principal}-reads-{assignment.Secret.Name}"), RoleAssignmentType,
                assignment.Secret.Format == SecretFormat.TrustedRoot
                    ? $"Least privilege: {assignment.Reason}; with issuer Self the certificate {name} is its own root, so the trusted root is its secret (Application Gateway, which terminates this traffic anyway, reads no other)."
                    : $"Least privilege: {assignment.Reason}, so it reads this one secret and no other.",
                grant);
        }

        if (app.Issuer is { } issuer)
        {
            IdentityIssuerGrants.Declare(file, issuer, vault, provisioning, Expr(PrincipalParameter(issuer.Name)));
        }

        file.Output("vaultName", "string", Expr($"{vault}.name"));
        file.Output("vaultUri", "string", Expr($"{vault}.properties.vaultUri"));
        file.Output("vaultId", "string", Expr($"{vault}.id"));
        foreach (var secret in app.Secrets.Where(secret => secret.Certificate is not null))
        {
            // Versionless: Application Gateway polls it and serves (or trusts) each renewed version.
            file.Output(secret.Symbol + "SecretUri", "string", Expr($"'${{{vault}.properties.vaultUri}}secrets/{AzureSecretName(secret)}'"));
        }

        return file;
    }

    /// <summary>The services that receive a role assignment on the vault (the identity issuer among them).</summary>
    public static IEnumerable<string> Principals(PublishedApp app) =>
        app.RoleAssignments.Select(assignment => assignment.Principal).Concat(app.Issuer is { } issuer ? [issuer.Name] : []).Distinct();

    public static string PrincipalParameter(string principal) => BicepSymbol.From(principal + "-principal-id");

    /// <summary>
    /// The vault secret that holds <paramref name="secret"/> in Azure: a certificate's own (Key Vault keeps a certificate
    /// with its key as a secret of the same name); a trusted root is the certificate itself, which issuer Self signs.
    /// </summary>
    public static string AzureSecretName(VaultSecret secret) =>
        secret.Format == SecretFormat.TrustedRoot ? secret.Certificate!.Name : secret.Name;
}
