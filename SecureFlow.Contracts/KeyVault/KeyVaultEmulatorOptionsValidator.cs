using System.Net;

namespace SecureFlow.Contracts.KeyVault;

/// <summary>The one check of the local vault's options, run at the emulator's start.</summary>
public sealed class KeyVaultEmulatorOptionsValidator : ServiceOptionsValidator<KeyVaultEmulatorOptions>
{
    protected override void Check(KeyVaultEmulatorOptions options, ValidationFailures failures)
    {
        failures.Require(options.Https.Port is > 0 and <= IPEndPoint.MaxPort, "Set KeyVault:Https:Port to the port of the vault's HTTPS listener.");
        failures.Require(options.Https.CertificatePath.Length > 0 && options.Https.KeyPath.Length > 0,
            "Set KeyVault:Https:CertificatePath and KeyPath: the vault serves HTTPS only.");
        failures.Require(options.DataDirectory.Length > 0, "Set KeyVault:DataDirectory to where the vault keeps its contents.");
        foreach (var (identity, key) in options.Identities)
        {
            failures.Require(key.Key.Length > 0, $"Identity '{identity}' of the vault has no key.");
        }

        foreach (var assignment in options.RoleAssignments)
        {
            failures.Require(Enum.IsDefined(assignment.Role), $"Identity '{assignment.Identity}' holds an unknown role '{assignment.Role}'.");
            failures.Require(string.IsNullOrEmpty(assignment.ObjectName) || KeyVaultNames.IsValid(assignment.ObjectName),
                $"Identity '{assignment.Identity}' is granted '{assignment.ObjectName}', which is not a Key Vault object name.");
        }

    }
}
