using static SecureFlow.AppHost.Publishing.Bicep.BicepSyntax;

namespace SecureFlow.AppHost.Publishing.Bicep;

/// <summary>
/// <c>infra/keyvault.bicep</c>: the vault that holds every certificate, reachable only through its private endpoint,
/// authorizing with Azure RBAC; its secrets; and the role assignments the model derives, each scoped to one secret.
/// </summary>
internal static class KeyVaultModule
{
    public const string Path = "infra/keyvault.bicep";

    public static BicepFile Build(PublishedApp app)
    {
        var file = new BicepFile(Path, "Key Vault: the certificates, private access only, and who may read which secret.");
        CommonParameters(file);
        file.Parameter("privateEndpointsSubnetId", "string", "The subnet of the vault's private endpoint.");
        file.Parameter("vaultZoneId", "string", "The private DNS zone privatelink.vaultcore.azure.net.");
        foreach (var principal in Principals(app))
        {
            file.Parameter(PrincipalParameter(principal), "string", $"The principal id of {principal}'s identity.");
        }

        foreach (var secret in app.Secrets)
        {
            var encoding = secret.Format == SecretFormat.Value ? "" : ", base64";
            file.Parameter(secret.Parameter, "string", $"The value of secret {secret.Name}{encoding} ({Describe(secret.Format)}).", secure: true);
        }

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

        var endpoint = file.Resource("vaultEndpoint", "Microsoft.Network/privateEndpoints@2024-05-01",
            "The vault's only network path: a private address in the VNet.", new BicepObject
            {
                { "name", Expr($"'pe-${{{vault}.name}}'") },
                { "location", Expr("location") },
                { "properties", new BicepObject
                    {
                        { "subnet", new BicepObject { { "id", Expr("privateEndpointsSubnetId") } } },
                        { "privateLinkServiceConnections", new[]
                            {
                                new BicepObject
                                {
                                    { "name", "vault" },
                                    { "properties", new BicepObject
                                        {
                                            { "privateLinkServiceId", Expr($"{vault}.id") },
                                            { "groupIds", new[] { "vault" } },
                                        }
                                    },
                                },
                            }
                        },
                    }
                },
            });
        file.Resource("vaultEndpointDns", "Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01",
            "The vault's name resolves to the private endpoint inside the VNet.", new BicepObject
            {
                { "parent", endpoint },
                { "name", "default" },
                { "properties", new BicepObject
                    {
                        { "privateDnsZoneConfigs", new[]
                            {
                                new BicepObject { { "name", "vault" }, { "properties", new BicepObject { { "privateDnsZoneId", Expr("vaultZoneId") } } } },
                            }
                        },
                    }
                },
            });
        file.Resource("vaultDiagnostics", DiagnosticSettingsType, "Every read of a secret is audited.", DiagnosticSettings(vault));

        foreach (var secret in app.Secrets)
        {
            file.Resource(secret.Symbol, "Microsoft.KeyVault/vaults/secrets@2024-11-01",
                $"{secret.Name}: {Describe(secret.Format)}, placed by the provisioning hook (no manual step).", new BicepObject
                {
                    { "parent", vault },
                    { "name", secret.Name },
                    { "properties", new BicepObject
                        {
                            { "value", secret.Format == SecretFormat.Pem ? Expr($"base64ToString({secret.Parameter})") : Expr(secret.Parameter) },
                            { "contentType", ContentType(secret.Format) },
                        }
                    },
                });
        }

        foreach (var assignment in app.RoleAssignments)
        {
            var secret = new BicepExpression(assignment.Secret.Symbol);
            var principal = PrincipalParameter(assignment.Principal);
            file.Resource(BicepSymbol.From($"{assignment.Principal}-reads-{assignment.Secret.Name}"), RoleAssignmentType,
                $"Least privilege: {assignment.Reason}, so it reads this one secret and no other.",
                RoleAssignment(secret, roles[assignment.Role], Expr(principal), Expr(principal)));
        }

        file.Output("vaultName", "string", Expr($"{vault}.name"));
        file.Output("vaultUri", "string", Expr($"{vault}.properties.vaultUri"));
        foreach (var secret in app.Secrets)
        {
            file.Output(secret.Symbol + "SecretUri", "string", Expr($"{secret.Symbol}.properties.secretUri"));
        }

        return file;
    }

    /// <summary>The services that receive a role assignment on the vault.</summary>
    public static IEnumerable<string> Principals(PublishedApp app) => app.RoleAssignments.Select(assignment => assignment.Principal).Distinct();

    public static string PrincipalParameter(string principal) => BicepSymbol.From(principal + "-principal-id");

    private static string Describe(SecretFormat format) => format switch
    {
        SecretFormat.Pkcs12 => "a PKCS#12 certificate with its key, for Application Gateway",
        SecretFormat.Pem => "a PEM certificate with its key, mounted into the pods by the CSI driver",
        SecretFormat.Value => "a secret of the model, read by the services it is granted to",
        _ => "a trust root's certificate without key, PKCS#12, for Application Gateway",
    };

    private static string ContentType(SecretFormat format) => format switch
    {
        SecretFormat.Pem => "application/x-pem-file",
        SecretFormat.Value => "text/plain",
        _ => "application/x-pkcs12",
    };
}
