using SecureFlow.AppHost.Configuration;
using SecureFlow.Contracts;
using SecureFlow.Contracts.Identity;

namespace SecureFlow.AppHost.KeyVault;

/// <summary>
/// What the model tells a service about its vault (<see cref="KeyVaultConnectionOptions"/>, <see cref="ServiceIdentityOptions"/>)
/// and the local vault about itself (<see cref="KeyVaultEmulatorOptions"/>), in run mode.
/// </summary>
internal static class KeyVaultClientConfiguration
{
    /// <summary>What a service needs to call the vault as itself: the vault URI, the root to trust, its identity and key.</summary>
    public static void Write(KeyVaultResource vault, string identity, IDictionary<string, object> environment, string? secretName = null)
    {
        // Checked as the service will check them; the URI is added below, once its port is allocated.
        ServiceConfiguration.Write(environment, new KeyVaultConnectionOptionsValidator().ThrowIfInvalid(new KeyVaultConnectionOptions
        {
            TrustedRootPath = RequireTlsCertificate(vault).RequireFiles().IssuerCertificatePath,
            SecretName = secretName,
        }));

        // The port is allocated when the run starts: the URI is resolved then.
        environment[ServiceConfiguration.Key<KeyVaultConnectionOptions>(options => options.Uri)] =
            ReferenceExpression.Create($"https://localhost:{vault.HttpsEndpoint.Property(EndpointProperty.Port)}/");
        ServiceConfiguration.Write(environment, new ServiceIdentityOptionsValidator().ThrowIfInvalid(
            new ServiceIdentityOptions { Name = identity, LocalKey = vault.IdentityKey(identity) }));
    }

    /// <summary>The model, projected into the emulator's configuration: its TLS certificate, data folder, identities and grants.</summary>
    public static void WriteEmulator(KeyVaultResource vault, string dataDirectory, IDictionary<string, object> environment)
    {
        var tls = RequireTlsCertificate(vault).RequireFiles();
        var options = new KeyVaultEmulatorOptions
        {
            Https = new() { CertificatePath = tls.CertificatePath, KeyPath = tls.KeyPath },
            DataDirectory = dataDirectory,
            RoleAssignments = [.. vault.RoleAssignments.Select(assignment => new KeyVaultRoleAssignmentOptions
            {
                Identity = assignment.Identity,
                Role = assignment.Role,
                ObjectName = assignment.ObjectName ?? "",
            })],
        };
        foreach (var identity in vault.RoleAssignments.Select(assignment => assignment.Identity).Distinct(StringComparer.Ordinal))
        {
            options.Identities[identity] = new() { Key = vault.IdentityKey(identity) };
        }

        ServiceConfiguration.Write(environment, options);
    }

    public static CertificateResource RequireTlsCertificate(KeyVaultResource vault) =>
        vault.TlsCertificate ?? throw new InvalidOperationException($"Vault '{vault.Name}' has no TLS certificate: create it with AddKeyVault.");
}
