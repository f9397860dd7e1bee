namespace SecureFlow.KeyVaultEmulator.Storage;

/// <summary>A certificate: its policy (Key Vault's JSON, kept as sent or derived) and its versions, oldest first.</summary>
public sealed record StoredCertificate(string PolicyJson, List<CertificateVersion> Versions);
