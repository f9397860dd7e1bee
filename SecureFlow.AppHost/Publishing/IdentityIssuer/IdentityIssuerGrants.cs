using SecureFlow.AppHost.Publishing.Bicep;
using static SecureFlow.AppHost.Publishing.Bicep.BicepSyntax;

namespace SecureFlow.AppHost.Publishing.IdentityIssuer;

/// <summary>
/// In <c>infra/keyvault.bicep</c>: the root key of the services' identities, made by Key Vault and never exportable, and
/// what the issuer's identity may do: sign with that one key (Crypto User, scoped to the key) and create and merge
/// certificates (Certificates Officer). Key Vault's resource provider has no certificate type a role assignment could be
/// scoped to, so that grant is the vault's; it covers certificates only: no secret value, no key, no signing.
/// </summary>
internal static class IdentityIssuerGrants
{
    public static void Declare(BicepFile file, PublishedIdentityIssuer issuer, BicepExpression vault, BicepExpression provisioning, BicepExpression principal)
    {
        var cryptoUser = BuiltInRoles.Declare(file, "keyVaultCryptoUserRole", BuiltInRoles.KeyVaultCryptoUser, "Key Vault Crypto User");
        var certificatesOfficer = new BicepExpression("keyVaultCertificatesOfficerRole");
        var rootKey = file.Resource("meshRootKey", "Microsoft.KeyVault/vaults/keys@2024-11-01",
            "The root of the services' mutual TLS identities: Key Vault makes it and signs with it; its private key can never be exported, so no CA key exists outside the vault.",
            new BicepObject
            {
                { "parent", vault },
                { "name", PublishedIdentityIssuer.RootKeyName },
                { "properties", new BicepObject
                    {
                        { "kty", "RSA" },
                        { "keySize", 3072 },
                        { "keyOps", new[] { "sign", "verify" }, "Signing only: the key cannot encrypt, decrypt or wrap." },
                        { "attributes", new BicepObject { { "enabled", true }, { "exportable", false } } },
                    }
                },
            });

        file.Resource(BicepSymbol.From(issuer.Name + "-signs-with-root"), RoleAssignmentType,
            $"{issuer.Name} signs with the root key and no other key; it can never read the key itself.",
            RoleAssignment(rootKey, cryptoUser, principal, principal));
        var grant = RoleAssignment(vault, certificatesOfficer, principal, principal);
        grant.Add("dependsOn", new[] { provisioning });
        file.Resource(BicepSymbol.From(issuer.Name + "-issues-certificates"), RoleAssignmentType,
            $"{issuer.Name} creates each identity's new version (Key Vault makes its key) and merges the certificate it signed; certificates only.",
            grant);
    }
}
