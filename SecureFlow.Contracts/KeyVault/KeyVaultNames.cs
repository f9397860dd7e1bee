namespace SecureFlow.Contracts.KeyVault;

/// <summary>Key Vault's rule for secret and certificate names: 1-127 characters, letters, digits and dashes.</summary>
public static class KeyVaultNames
{
    public const int MaxLength = 127;

    public static bool IsValid(string? name) =>
        name is { Length: > 0 and <= MaxLength } && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
}
