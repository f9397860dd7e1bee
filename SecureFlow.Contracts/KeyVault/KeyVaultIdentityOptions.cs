namespace SecureFlow.Contracts.KeyVault;

/// <summary>One identity that may call the vault.</summary>
public sealed class KeyVaultIdentityOptions
{
    /// <summary>The base64 key the identity signs its tokens with. Never logged.</summary>
    public string Key { get; set; } = "";
}
