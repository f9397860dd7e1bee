namespace SecureFlow.KeyVaultEmulator.Storage;

/// <summary>
/// A certificate created with the <c>Unknown</c> issuer and not merged yet: the key pair the vault made for it (never
/// returned), the signing request it published (<see cref="Csr"/>, base64 DER) and the policy and tags of the request.
/// </summary>
public sealed record PendingCertificate(
    string PolicyJson,
    string PrivateKey,
    string Csr,
    string RequestId,
    IReadOnlyDictionary<string, string> Tags);
