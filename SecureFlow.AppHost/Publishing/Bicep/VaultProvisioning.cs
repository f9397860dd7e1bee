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
        // script instead, from a root that exists only while it runs.
        var certificates = app.Secrets.Where(secret => secret.Format is SecretFormat.Pkcs12 or SecretFormat.Pem && secret.Certificate?.SpiffeId is null).ToList();
        var identities = app.Secrets.Where(secret => secret.Certificate?.SpiffeId is not null).ToList();
        foreach (var certificate in certificates)
        {
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
                        { "scriptContent", Script(app, certificates, identities) },
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
    /// The script: for each certificate, create it with its policy unless the vault lists it (a certificate you imported
    /// is never replaced); for each secret of the model, generate it unless present. A listing that fails stops the
    /// script, so a vault it cannot read is never taken for an empty one.
    /// </summary>
    private static string Script(PublishedApp app, IEnumerable<VaultSecret> certificates, List<VaultSecret> identities)
    {
        var script = new System.Text.StringBuilder("""
            set -eu
            has_certificate() { [ "$(az keyvault certificate list --vault-name "$VAULT_NAME" --include-pending true --query "[?name=='$1'] | length(@)" --output tsv)" != 0 ]; }
            has_secret() { [ "$(az keyvault secret list --vault-name "$VAULT_NAME" --query "[?name=='$1'] | length(@)" --output tsv)" != 0 ]; }
            ensure_certificate() {
              if has_certificate "$1"; then echo "$1: in the vault, Key Vault renews it"; return; fi
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

        if (identities.Count > 0)
        {
            script.Append(MeshIdentities.Replace("\r\n", "\n", StringComparison.Ordinal));
            script.Append("ensure_identities");
            foreach (var identity in identities)
            {
                var service = identity.Certificate!.SpiffeId!.Segments[^1];
                script.Append(' ').Append(identity.Name).Append(' ').Append(identity.Certificate.SpiffeId)
                    .Append(' ').Append(service).Append('.').Append(PublishedApp.Namespace).Append(".svc.cluster.local");
            }

            script.Append('\n');
        }

        return script.ToString();
    }

    /// <summary>Days a service identity is valid; the script issues all of them again when one has fewer than 30 left.</summary>
    public const int IdentityValidityInDays = 90;

    /// <summary>
    /// The services' mutual TLS identities: while every one is in the vault with more than 30 days to live, nothing
    /// changes; otherwise the script makes a new internal root in its container's temporary folder, issues every identity
    /// from it (key, certificate and root in one PEM secret, what the CSI driver mounts), and deletes the root's key with
    /// the folder. All at once: an identity from an earlier root would not be trusted by the others. Python's
    /// <c>cryptography</c> package ships with the Azure CLI the script runs in.
    /// </summary>
    private static readonly string MeshIdentities = $$"""
        identity_current() {
          expires="$(az keyvault secret list --vault-name "$VAULT_NAME" --query "[?name=='$1'].attributes.expires | [0]" --output tsv)"
          [ -n "$expires" ] && python3 -c 'import datetime, sys; sys.exit(0 if datetime.datetime.fromisoformat(sys.argv[1]) > datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=30) else 1)' "$expires"
        }
        ensure_identities() {
          current=yes
          args="$*"
          while [ "$#" -gt 0 ]; do identity_current "$1" || current=no; shift 3; done
          if [ "$current" = yes ]; then echo "service identities: in the vault, valid for more than 30 days"; return; fi
          work="$(mktemp -d)"
          trap 'rm -rf "$work"' EXIT
          # shellcheck disable=SC2086
          python3 - "$work" $args <<'PY'
        import datetime, sys
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

        work, specs = sys.argv[1], sys.argv[2:]
        now = datetime.datetime.now(datetime.timezone.utc)
        until = now + datetime.timedelta(days={{IdentityValidityInDays}})
        pem = serialization.Encoding.PEM
        root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        root_name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "SecureFlow"), x509.NameAttribute(NameOID.COMMON_NAME, "SecureFlow mesh root")])
        root = (x509.CertificateBuilder().subject_name(root_name).issuer_name(root_name).public_key(root_key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now).not_valid_after(until)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
            .sign(root_key, hashes.SHA256()))
        for name, spiffe, dns in zip(specs[0::3], specs[1::3], specs[2::3]):
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            leaf = (x509.CertificateBuilder()
                .subject_name(x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "SecureFlow"), x509.NameAttribute(NameOID.COMMON_NAME, dns)]))
                .issuer_name(root_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now).not_valid_after(until)
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.KeyUsage(True, False, True, False, False, False, False, False, False), critical=True)
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
                .add_extension(x509.SubjectAlternativeName([x509.DNSName(dns), x509.UniformResourceIdentifier(spiffe)]), critical=False)
                .sign(root_key, hashes.SHA256()))
            with open(f"{work}/{name}.pem", "wb") as bundle:
                bundle.write(key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
                bundle.write(leaf.public_bytes(pem) + root.public_bytes(pem))
        with open(f"{work}/expires", "w") as expires:
            expires.write(until.strftime("%Y-%m-%dT%H:%M:%SZ"))
        PY
          set -- $args
          while [ "$#" -gt 0 ]; do
            az keyvault secret set --vault-name "$VAULT_NAME" --name "$1" --file "$work/$1.pem" --encoding utf-8 --content-type application/x-pem-file --expires "$(cat "$work/expires")" --output none
            echo "$1: issued ($2) from a new internal root, which leaves with this container"
            shift 3
          done
          rm -rf "$work"
        }

        """;

    private static string PolicyVariable(VaultSecret certificate) => certificate.Symbol + "Policy";

    private static string EnvironmentVariable(VaultSecret certificate) => certificate.Name.Replace('-', '_').ToUpperInvariant() + "_POLICY";
}
