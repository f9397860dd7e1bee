using static SecureFlow.AppHost.Publishing.Bicep.BicepSyntax;

namespace SecureFlow.AppHost.Publishing.Bicep;

/// <summary>
/// Key Vault creates every certificate of the model itself, with a policy that renews it (<c>AutoRenew</c>), and
/// generates each secret of the model: a deployment script run inside the VNet (the vault has no public endpoint) asks
/// it to, with its own identity, once per certificate; later runs find them and change nothing. No private key or secret
/// value exists outside the vault: none in the azd environment, the deployment's parameters or its history.
/// </summary>
internal static class VaultProvisioning
{
    /// <summary>How long a certificate is valid, and when Key Vault renews it.</summary>
    public const int ValidityInMonths = 12;

    public const int RenewDaysBeforeExpiry = 30;

    /// <summary>Key Vault's issuer name for a self-signed certificate.</summary>
    public const string SelfIssuer = "Self";

    /// <summary>Declares the script, its identity and storage in <paramref name="file"/>; returns the script's symbol.</summary>
    public static BicepExpression Declare(BicepFile file, PublishedApp app, BicepExpression vault, BicepExpression vaultDns)
    {
        var certificatesOfficer = BuiltInRoles.Declare(file, "keyVaultCertificatesOfficerRole", BuiltInRoles.KeyVaultCertificatesOfficer, "Key Vault Certificates Officer");
        var secretsOfficer = BuiltInRoles.Declare(file, "keyVaultSecretsOfficerRole", BuiltInRoles.KeyVaultSecretsOfficer, "Key Vault Secrets Officer");
        var fileContributor = BuiltInRoles.Declare(file, "storageFilePrivilegedContributorRole", BuiltInRoles.StorageFileDataPrivilegedContributor, "Storage File Data Privileged Contributor");

        // Key Vault's own issuers cannot write a URI SAN: the services' mutual TLS identities (SPIFFE ids) are issued by the
        // identity issuer in the cluster. The script only makes a placeholder of each, so that the services' grants have
        // their secret to be scoped to; the issuer's first run replaces it (it is from no root the services trust).
        var certificates = app.Secrets.Where(secret => secret.Format is SecretFormat.Pkcs12 or SecretFormat.Pem).ToList();
        foreach (var certificate in certificates)
        {
            if (certificate.Certificate?.SpiffeId is not null)
            {
                file.Variable(PolicyVariable(certificate), PlaceholderPolicy(certificate),
                    $"{certificate.Name}: a placeholder until the identity issuer's first run issues it from the root key in this vault, then renews it.");
                continue;
            }

            file.Variable(PolicyVariable(certificate), Policy(certificate, trustedByTheEdge: certificate.Certificate == app.Backend.DestinationCertificate),
                $"{certificate.Name}: created and renewed by Key Vault ({ValidityInMonths} months, renewed {RenewDaysBeforeExpiry} days before it expires); its key never leaves the vault except to the identities granted its secret.");
        }

        var identity = file.Resource("provisionerIdentity", "Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31",
            "The provisioning script's own identity: it may create certificates and secrets in this vault, and read none of the services' grants.", new BicepObject
            {
                { "name", UniqueName("id-vault-provisioner-") },
                { "location", Expr("location") },
            });
        var storage = file.Resource("provisionerStorage", "Microsoft.Storage/storageAccounts@2023-05-01",
            "The script's working share (deployment scripts need one), reachable only from the script's subnet.", new BicepObject
            {
                { "name", UniqueName("stprov") },
                { "location", Expr("location") },
                { "kind", "StorageV2" },
                { "sku", new BicepObject { { "name", "Standard_LRS" } } },
                { "properties", new BicepObject
                    {
                        { "minimumTlsVersion", "TLS1_2" },
                        { "supportsHttpsTrafficOnly", true },
                        { "allowBlobPublicAccess", false, "Nothing in it is ever public." },
                        { "allowSharedKeyAccess", true, "The deployment script service mounts the share with the account key; the network rule below limits who can reach it." },
                        { "networkAcls", new BicepObject
                            {
                                { "defaultAction", "Deny" },
                                { "bypass", "AzureServices" },
                                { "virtualNetworkRules", new[] { new BicepObject { { "id", Expr("deploymentScriptsSubnetId") }, { "action", "Allow" } } } },
                            }
                        },
                    }
                },
            });

        var principal = Expr($"{identity}.properties.principalId");
        var grants = new List<BicepExpression>
        {
            file.Resource("provisionerCreatesCertificates", RoleAssignmentType, "The script creates the model's certificates in this vault only.",
                RoleAssignment(vault, certificatesOfficer, principal, Expr($"{identity}.id"))),
            file.Resource("provisionerCreatesSecrets", RoleAssignmentType, "The script generates the model's secrets in this vault only.",
                RoleAssignment(vault, secretsOfficer, principal, Expr($"{identity}.id"))),
            file.Resource("provisionerUsesItsShare", RoleAssignmentType, "The script's container mounts its share in its storage account only.",
                RoleAssignment(storage, fileContributor, principal, Expr($"{identity}.id"))),
        };

        var environment = new List<BicepObject> { new() { { "name", "VAULT_NAME" }, { "value", Expr($"{vault}.name") } } };
        environment.AddRange(certificates.Select(certificate => new BicepObject
        {
            { "name", EnvironmentVariable(certificate) },
            { "value", Expr($"string({PolicyVariable(certificate)})") },
        }));

        return file.Resource("vaultProvisioning", "Microsoft.Resources/deploymentScripts@2023-08-01",
            "Key Vault creates each certificate (and each secret of the model) before Application Gateway and the pods read them.", new BicepObject
            {
                { "name", "vault-provisioning" },
                { "location", Expr("location") },
                { "kind", "AzureCLI" },
                { "identity", new BicepObject
                    {
                        { "type", "UserAssigned" },
                        { "userAssignedIdentities", new BicepObject { { $"'${{{identity}.id}}'", new BicepObject() } } },
                    }
                },
                { "properties", new BicepObject
                    {
                        { "azCliVersion", "2.67.0" },
                        { "forceUpdateTag", Expr("provisioningRun") },
                        { "retentionInterval", "PT1H" },
                        { "cleanupPreference", "OnSuccess" },
                        { "timeout", "PT30M" },
                        { "storageAccountSettings", new BicepObject { { "storageAccountName", Expr($"{storage}.name") } } },
                        { "containerSettings", new BicepObject { { "subnetIds", new[] { new BicepObject { { "id", Expr("deploymentScriptsSubnetId") } } } } },
                            "Runs inside the VNet: the vault is reached through its private endpoint, never a public one." },
                        { "environmentVariables", environment },
                        { "scriptContent", Script(app, certificates) },
                    }
                },
                { "dependsOn", (BicepExpression[])[vaultDns, .. grants] },
            });
    }

    /// <summary>
    /// The Key Vault certificate policy of <paramref name="certificate"/>, as <c>az keyvault certificate create --policy</c>
    /// takes it. The certificate Application Gateway trusts as the ingress's root (<paramref name="trustedByTheEdge"/>,
    /// issuer Self) keeps its key at renewal: the renewed certificate has the same subject and key as the one the gateway
    /// still trusts until its next Key Vault poll (up to 4 hours), so its chain still validates there and the backend stays
    /// healthy; every other certificate gets a new key at each renewal.
    /// </summary>
    private static BicepObject Policy(VaultSecret certificate, bool trustedByTheEdge)
    {
        var names = certificate.Certificate!.DnsNames;
        return new BicepObject
        {
            { "issuerParameters", new BicepObject { { "name", certificate.Format == SecretFormat.Pkcs12 ? Expr("publicCertificateIssuer") : SelfIssuer } } },
            { "keyProperties", new BicepObject { { "exportable", true }, { "keyType", "RSA" }, { "keySize", 2048 }, { "reuseKey", trustedByTheEdge } } },
            { "secretProperties", new BicepObject { { "contentType", certificate.Format == SecretFormat.Pkcs12 ? "application/x-pkcs12" : "application/x-pem-file" } } },
            { "x509CertificateProperties", new BicepObject
                {
                    { "subject", Expr($"'CN={AzureHostName.Labels(names[0])}.${{domainName}}'") },
                    { "subjectAlternativeNames", new BicepObject { { "dnsNames", names.Select(name => Expr(AzureHostName.InBicep(name))) } } },
                    { "keyUsage", new[] { "digitalSignature", "keyEncipherment" } },
                    { "ekus", new[] { "1.3.6.1.5.5.7.3.1" } },
                    { "validityInMonths", ValidityInMonths },
                }
            },
            { "lifetimeActions", new[]
                {
                    new BicepObject
                    {
                        { "trigger", new BicepObject { { "daysBeforeExpiry", RenewDaysBeforeExpiry } } },
                        { "action", new BicepObject { { "actionType", "AutoRenew" } } },
                    },
                }
            },
        };
    }

    /// <summary>
    /// A service identity's first version: self-signed, one month, PEM, no renewal of its own (the identity issuer
    /// replaces it with one chained to the root and then renews it), named as the issuer will name it.
    /// </summary>
    private static BicepObject PlaceholderPolicy(VaultSecret identity)
    {
        var dns = $"{identity.Certificate!.SpiffeId!.Segments[^1]}.{PublishedApp.Namespace}.svc.cluster.local";
        return new BicepObject
        {
            { "issuerParameters", new BicepObject { { "name", SelfIssuer } } },
            { "keyProperties", new BicepObject { { "exportable", true }, { "keyType", "RSA" }, { "keySize", 2048 }, { "reuseKey", false } } },
            { "secretProperties", new BicepObject { { "contentType", "application/x-pem-file" } } },
            { "x509CertificateProperties", new BicepObject
                {
                    { "subject", $"CN={dns}, O=SecureFlow" },
                    { "subjectAlternativeNames", new BicepObject { { "dnsNames", new[] { dns } } } },
                    { "keyUsage", new[] { "digitalSignature", "keyEncipherment" } },
                    { "validityInMonths", 1 },
                }
            },
            { "lifetimeActions", Array.Empty<BicepObject>() },
        };
    }

    /// <summary>
    /// The script: for each certificate, create it with its policy unless the vault lists it (a certificate you imported
    /// is never replaced); for each secret of the model, generate it unless present. A listing that fails stops the
    /// script, so a vault it cannot read is never taken for an empty one.
    /// </summary>
    private static string Script(PublishedApp app, IEnumerable<VaultSecret> certificates)
    {
        var script = new System.Text.StringBuilder("""
            set -eu
            has_certificate() { [ "$(az keyvault certificate list --vault-name "$VAULT_NAME" --include-pending true --query "[?name=='$1'] | length(@)" --output tsv)" != 0 ]; }
            has_secret() { [ "$(az keyvault secret list --vault-name "$VAULT_NAME" --query "[?name=='$1'] | length(@)" --output tsv)" != 0 ]; }
            ensure_certificate() {
              if has_certificate "$1"; then echo "$1: in the vault, left as it is"; return; fi
              az keyvault certificate create --vault-name "$VAULT_NAME" --name "$1" --policy "$2" --output none
              tries=0
              until has_secret "$1"; do
                tries=$((tries + 1))
                if [ "$tries" -gt 60 ]; then echo "$1: not issued within 5 minutes: az keyvault certificate pending show --vault-name $VAULT_NAME --name $1" >&2; exit 1; fi
                sleep 5
              done
              echo "$1: created by Key Vault"
            }
            ensure_secret() {
              if has_secret "$1"; then echo "$1: in the vault"; return; fi
              az keyvault secret set --vault-name "$VAULT_NAME" --name "$1" --content-type text/plain --output none --value "$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')"
              echo "$1: generated in the vault"
            }

            """.Replace("\r\n", "\n", StringComparison.Ordinal));
        foreach (var certificate in certificates)
        {
            script.Append("ensure_certificate ").Append(certificate.Name).Append(" \"$").Append(EnvironmentVariable(certificate)).Append("\"\n");
        }

        foreach (var secret in app.Secrets.Where(secret => secret.Format == SecretFormat.Value))
        {
            script.Append("ensure_secret ").Append(secret.Name).Append('\n');
        }

        return script.ToString();
    }

    private static string PolicyVariable(VaultSecret certificate) => certificate.Symbol + "Policy";

    private static string EnvironmentVariable(VaultSecret certificate) => certificate.Name.Replace('-', '_').ToUpperInvariant() + "_POLICY";
}
