namespace SecureFlow.KeyVaultEmulator.Authentication;

/// <summary>Key Vault's token audience.</summary>
public static class KeyVaultAudience
{
    /// <summary>The audience Key Vault tokens are issued for, and the <c>resource</c> of the challenge.</summary>
    public const string Value = "https://vault.azure.net";
}
