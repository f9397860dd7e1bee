namespace SecureFlow.AppHost.Publishing;

/// <summary>The Key Vault built-in roles the model grants, least privilege first.</summary>
internal enum VaultRole
{
    /// <summary>Key Vault Secrets User: read secret contents (a certificate with its key, as App Gateway and the CSI driver read it).</summary>
    SecretsUser,
}
