namespace SecureFlow.KeyVaultEmulator.Storage;

/// <summary>One version of a secret. <see cref="Managed"/> versions back a certificate version of the same name and id.</summary>
public sealed record SecretVersion(
    string Version,
    string Value,
    string? ContentType,
    VaultAttributes Attributes,
    IReadOnlyDictionary<string, string> Tags,
    bool Managed = false);
