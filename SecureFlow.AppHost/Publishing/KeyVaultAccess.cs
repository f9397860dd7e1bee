namespace SecureFlow.AppHost.Publishing;

/// <summary>
/// Derives the vault's secrets and who may read each one from the model's relationships, in one place: a gateway
/// that serves a certificate reads that certificate's secret; a gateway that trusts a hop's issuer reads that root.
/// Explicit grants declared on a service (the Key Vault issue's <c>WithKeyVaultAccess</c>) belong here too.
/// </summary>
internal static class KeyVaultAccess
{
    public static IReadOnlyList<VaultSecret> Secrets(IEnumerable<GatewayResource> gateways)
    {
        var secrets = new List<VaultSecret>();
        foreach (var gateway in gateways)
        {
            foreach (var certificate in gateway.Certificates)
            {
                Add(secrets, new VaultSecret(certificate.Name, certificate, gateway is ApplicationGatewayResource ? SecretFormat.Pkcs12 : SecretFormat.Pem));
            }

            foreach (var certificate in TrustedIssuers(gateway))
            {
                Add(secrets, new VaultSecret(certificate.Name + "-root", certificate, SecretFormat.TrustedRoot));
            }
        }

        return secrets;
    }

    public static IReadOnlyList<VaultRoleAssignment> RoleAssignments(IEnumerable<GatewayResource> gateways, IReadOnlyList<VaultSecret> secrets)
    {
        var assignments = new List<VaultRoleAssignment>();
        foreach (var gateway in gateways)
        {
            foreach (var certificate in gateway.Certificates)
            {
                var secret = secrets.Single(candidate => candidate.Certificate == certificate && candidate.Format != SecretFormat.TrustedRoot);
                assignments.Add(new(gateway.Name, VaultRole.SecretsUser, secret, $"{gateway.Name} serves {certificate.Name}"));
            }

            foreach (var certificate in TrustedIssuers(gateway))
            {
                var secret = secrets.Single(candidate => candidate.Certificate == certificate && candidate.Format == SecretFormat.TrustedRoot);
                assignments.Add(new(gateway.Name, VaultRole.SecretsUser, secret, $"{gateway.Name} trusts the issuer of {certificate.Name}"));
            }
        }

        return assignments;
    }

    private static IEnumerable<CertificateResource> TrustedIssuers(GatewayResource gateway) =>
        gateway.Routes.Select(route => route.DestinationCertificate).OfType<CertificateResource>().Distinct();

    private static void Add(List<VaultSecret> secrets, VaultSecret secret)
    {
        if (secrets.Any(existing => existing.Name == secret.Name && existing.Format != secret.Format))
        {
            throw new InvalidOperationException(
                $"Certificate '{secret.Certificate.Name}' is served by an Application Gateway and by a pod: give each its own certificate.");
        }

        if (!secrets.Any(existing => existing.Name == secret.Name))
        {
            secrets.Add(secret);
        }
    }
}
