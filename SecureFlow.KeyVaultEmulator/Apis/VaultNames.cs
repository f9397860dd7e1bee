namespace SecureFlow.KeyVaultEmulator.Apis;

/// <summary>Key Vault's object names (1 to 127 letters, digits and dashes) and versions (32 hexadecimal digits).</summary>
public static class VaultNames
{
    public static bool IsValidName(string name) => KeyVaultNames.IsValid(name);

    public static string NewVersion() => Guid.NewGuid().ToString("N");
}
