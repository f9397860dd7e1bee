
namespace SecureFlow.KeyVaultEmulator.Authorization;

/// <summary>
/// Key Vault's RBAC data plane, from the model's role assignments: an identity may do what one of its assignments
/// grants, at the vault or on the one object the assignment names; everything else is denied.
/// </summary>
public sealed class RoleBasedAccess(IReadOnlyList<KeyVaultRoleAssignmentOptions> assignments)
{
    /// <summary>What each built-in role allows (the data actions of Azure's role definitions).</summary>
    private static readonly Dictionary<KeyVaultRole, VaultAction[]> Grants = new()
    {
        [KeyVaultRole.SecretsUser] = [VaultAction.GetSecret, VaultAction.ReadSecretMetadata],
        [KeyVaultRole.CertificateUser] = [VaultAction.ReadCertificate, VaultAction.GetSecret, VaultAction.ReadSecretMetadata],
        [KeyVaultRole.Reader] = [VaultAction.ReadCertificate, VaultAction.ReadSecretMetadata, VaultAction.ReadKey],
        [KeyVaultRole.Administrator] = Enum.GetValues<VaultAction>(),
        [KeyVaultRole.CryptoUser] = [VaultAction.ReadKey, VaultAction.SignWithKey],
        [KeyVaultRole.CryptoOfficer] = [VaultAction.ReadKey, VaultAction.SignWithKey, VaultAction.CreateKey],
        [KeyVaultRole.CertificatesOfficer] = [VaultAction.ReadCertificate, VaultAction.WriteCertificate],
    };

    /// <summary>Whether <paramref name="identity"/> may do <paramref name="action"/> on <paramref name="objectName"/> (null: the vault itself).</summary>
    public bool Allows(string identity, VaultAction action, string? objectName) =>
        assignments.Any(assignment =>
            string.Equals(assignment.Identity, identity, StringComparison.Ordinal)
            && Grants[assignment.Role].Contains(action)
            && (string.IsNullOrEmpty(assignment.ObjectName)
                || (objectName is not null && string.Equals(assignment.ObjectName, objectName, StringComparison.OrdinalIgnoreCase))));

    /// <summary>The data action's name as Azure reports it in a 403.</summary>
    public static string DataActionName(VaultAction action) => action switch
    {
        VaultAction.GetSecret => "Microsoft.KeyVault/vaults/secrets/getSecret/action",
        VaultAction.ReadSecretMetadata => "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
        VaultAction.WriteSecret => "Microsoft.KeyVault/vaults/secrets/setSecret/action",
        VaultAction.ReadCertificate => "Microsoft.KeyVault/vaults/certificates/read",
        VaultAction.WriteCertificate => "Microsoft.KeyVault/vaults/certificates/import/action",
        VaultAction.ReadKey => "Microsoft.KeyVault/vaults/keys/read",
        VaultAction.CreateKey => "Microsoft.KeyVault/vaults/keys/create/action",
        VaultAction.SignWithKey => "Microsoft.KeyVault/vaults/keys/sign/action",
        _ => throw new ArgumentOutOfRangeException(nameof(action)),
    };
}
