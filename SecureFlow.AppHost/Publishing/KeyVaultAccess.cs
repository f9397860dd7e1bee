namespace SecureFlow.AppHost.Publishing;

/// <summary>
/// The vault's secrets and who may read each one, in one place. The secrets follow the model: each certificate a
/// gateway serves (in the form its reader needs), the root a hop trusts, and each <c>vault.AddSecret</c>. The role
/// assignments are the model's own grants (<c>WithCertificate</c>, <c>WithBackend</c>, <c>WithKeyVaultAccess</c>),
/// the ones the local vault enforces, each scoped to its one secret.
/// </summary>
internal static class KeyVaultAccess
{
    public static IReadOnlyList<VaultSecret> Secrets(IEnumerable<GatewayResource> gateways, KeyVaultResource vault)
    {
        ArgumentNullException.ThrowIfNull(vault);

        // Each service's mutual TLS identity: one PEM secret with its key, its certificate and the internal root.
        var secrets = new List<VaultSecret>(vault.Certificates.Where(certificate => certificate.SpiffeId is not null)
            .Select(certificate => new VaultSecret(certificate.Name, certificate, SecretFormat.Pem)));
        foreach (var gateway in gateways)
        {
            foreach (var certificate in gateway.Certificates)
            {
                Add(secrets, new VaultSecret(certificate.Name, certificate, gateway is ApplicationGatewayResource ? SecretFormat.Pkcs12 : SecretFormat.Pem));
            }

            foreach (var certificate in gateway.Routes.Select(route => route.DestinationCertificate).OfType<CertificateResource>().Distinct())
            {
                Add(secrets, new VaultSecret(certificate.TrustRootSecretName, certificate, SecretFormat.TrustedRoot));
            }
        }

        foreach (var secret in vault.Secrets)
        {
            Add(secrets, new VaultSecret(secret.Name, null, SecretFormat.Value));
        }

        return secrets;
    }

    /// <summary>The model's grants to the identities the deployment creates; the local provisioning identity is not deployed.</summary>
    public static IReadOnlyList<VaultRoleAssignment> RoleAssignments(KeyVaultResource vault, IReadOnlyList<VaultSecret> secrets, IReadOnlySet<string> identities)
    {
        ArgumentNullException.ThrowIfNull(vault);

        // Published, a service's identity secret carries its root too: the root's own grant has no secret to scope to.
        var serviceIdentities = vault.Certificates.Where(certificate => certificate.SpiffeId is not null)
            .Select(certificate => certificate.TrustRootSecretName).ToHashSet(StringComparer.Ordinal);
        var assignments = new List<VaultRoleAssignment>();
        foreach (var grant in vault.RoleAssignments.Where(grant => grant.Identity != KeyVaultResource.ProvisioningIdentity
            && (grant.ObjectName is null || !serviceIdentities.Contains(grant.ObjectName))))
        {
            if (!identities.Contains(grant.Identity))
            {
                throw new InvalidOperationException(
                    $"'{grant.Identity}' holds {grant.Role} on vault '{vault.Name}' but is not deployed to Azure: remove the grant or deploy it.");
            }

            if (grant.ObjectName is null)
            {
                throw new InvalidOperationException(
                    $"'{grant.Identity}' holds {grant.Role} on the whole vault '{vault.Name}': the deployment scopes every grant to one object; name it in WithKeyVaultAccess.");
            }

            var secret = secrets.FirstOrDefault(candidate => candidate.Name == grant.ObjectName && candidate.Format != SecretFormat.TrustedRoot)
                ?? secrets.FirstOrDefault(candidate => candidate.Name == grant.ObjectName)
                ?? throw new InvalidOperationException($"'{grant.Identity}' is granted '{grant.ObjectName}', which vault '{vault.Name}' does not hold when published.");
            if (grant.Role is not (KeyVaultRole.SecretsUser or KeyVaultRole.CertificateUser or KeyVaultRole.Reader))
            {
                throw new InvalidOperationException($"'{grant.Identity}' holds {grant.Role}: a deployed service never gets more than read access.");
            }

            assignments.Add(new(grant.Identity, grant.Role, secret, $"the model grants {grant.Identity} {grant.Role} on {grant.ObjectName}"));
        }

        return assignments;
    }

    private static void Add(List<VaultSecret> secrets, VaultSecret secret)
    {
        if (secrets.Any(existing => existing.Name == secret.Name && existing.Format != secret.Format))
        {
            throw new InvalidOperationException(
                $"'{secret.Name}' is needed in two forms (served by an Application Gateway and by a pod, or a secret named like a certificate): give each its own name.");
        }

        if (!secrets.Any(existing => existing.Name == secret.Name))
        {
            secrets.Add(secret);
        }
    }
}
