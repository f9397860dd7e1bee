namespace SecureFlow.Contracts.KeyVault;

/// <summary>Key Vault's built-in data-plane roles the model grants (Azure RBAC, vault or object scope).</summary>
public enum KeyVaultRole
{
    /// <summary>Key Vault Secrets User: reads secret values and metadata.</summary>
    SecretsUser,

    /// <summary>Key Vault Certificate User: reads certificates, including their private keys (the backing secret).</summary>
    CertificateUser,

    /// <summary>Key Vault Reader: reads metadata (certificates' and keys' public parts, secrets' properties), never a secret value.</summary>
    Reader,

    /// <summary>Key Vault Administrator: everything; only the deployment (the AppHost's provisioning step) holds it.</summary>
    Administrator,

    /// <summary>Key Vault Crypto User: reads a key's public part and signs with it; the private key never leaves the vault.</summary>
    CryptoUser,

    /// <summary>Key Vault Crypto Officer: what Crypto User may, and creates keys (the first root key of the service identities).</summary>
    CryptoOfficer,

    /// <summary>Key Vault Certificates Officer: creates certificates and merges the ones an outside issuer signed; reads no key.</summary>
    CertificatesOfficer,
}
