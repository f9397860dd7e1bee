namespace SecureFlow.KeyVaultEmulator.Storage;

/// <summary>
/// One version of a certificate: its public part (<see cref="Cer"/>, DER in base64). The private key lives in the
/// backing secret version with the same name and version, as in Key Vault.
/// </summary>
public sealed record CertificateVersion(
    string Version,
    string Cer,
    string X5t,
    VaultAttributes Attributes,
    IReadOnlyDictionary<string, string> Tags);
