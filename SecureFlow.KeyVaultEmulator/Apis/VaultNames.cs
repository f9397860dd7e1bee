using System.Text.RegularExpressions;

namespace SecureFlow.KeyVaultEmulator.Apis;

/// <summary>Key Vault's object names (1 to 127 letters, digits and dashes) and versions (32 hexadecimal digits).</summary>
public static partial class VaultNames
{
    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

    public static string NewVersion() => Guid.NewGuid().ToString("N");

    [GeneratedRegex("^[0-9a-zA-Z-]{1,127}$")]
    private static partial Regex NamePattern();
}
