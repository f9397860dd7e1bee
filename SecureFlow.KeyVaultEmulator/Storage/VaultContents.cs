namespace SecureFlow.KeyVaultEmulator.Storage;

/// <summary>Everything the vault holds; names are case-insensitive, as in Key Vault.</summary>
public sealed class VaultContents
{
    public Dictionary<string, List<SecretVersion>> Secrets { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, StoredCertificate> Certificates { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, List<KeyVersion>> Keys { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, PendingCertificate> PendingCertificates { get; init; } = new(StringComparer.OrdinalIgnoreCase);
}
