namespace SecureFlow.Contracts.KeyVault;

/// <summary>Key Vault's built-in data-plane roles the model grants (Azure RBAC, vault or object scope).</summary>
public enum KeyVaultRole
{
    /// <summary>Key Vault Secrets User: reads secret values and metadata.</summary>
    SecretsUser,

    /// <summary>Key Vault Certificate User: reads certificates, including their private keys (the backing secret).</summary>
    CertificateUser,

    /// <summary>Key Vault Reader: reads metadata (certificates' public parts, secrets' properties), never a secret value.</summary>
    Reader,

    /// <summary>Key Vault Administrator: everything; only the deployment (the AppHost's provisioning step) holds it.</summary>
    Administrator,
}
