namespace SecureFlow.AppHost.Publishing;

/// <summary>The Key Vault built-in roles the model grants to deployed identities (<c>WithKeyVaultAccess</c>, <c>WithCertificate</c>).</summary>
internal enum VaultRole
{
    /// <summary>Key Vault Secrets User: read secret contents (a certificate with its key, as App Gateway and the CSI driver read it).</summary>
    SecretsUser,

    /// <summary>Key Vault Certificate User: read certificates, including their keys (the backing secret).</summary>
    CertificateUser,

    /// <summary>Key Vault Reader: metadata only, never a secret value.</summary>
    Reader,
}
