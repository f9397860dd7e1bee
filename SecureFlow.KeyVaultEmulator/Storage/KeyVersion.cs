namespace SecureFlow.KeyVaultEmulator.Storage;

/// <summary>
/// One version of a key. <see cref="PrivateKey"/> (PKCS#8, base64) is held for the vault's own operations (sign) and
/// never returned: no API of the vault exports a key, as for a Key Vault key created non-exportable.
/// </summary>
public sealed record KeyVersion(
    string Version,
    string Kty,
    string PrivateKey,
    IReadOnlyList<string> KeyOps,
    VaultAttributes Attributes,
    IReadOnlyDictionary<string, string> Tags);
