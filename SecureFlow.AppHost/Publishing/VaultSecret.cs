namespace SecureFlow.AppHost.Publishing;

/// <summary>A Key Vault secret the deployment creates: a certificate of the model, the root a hop trusts, or a secret of the model.</summary>
/// <param name="Name">The secret's name in the vault.</param>
/// <param name="Certificate">The model's certificate it holds (or whose issuer it holds, for a trust root); null for a secret value.</param>
/// <param name="Format">The form its reader needs.</param>
internal sealed record VaultSecret(string Name, CertificateResource? Certificate, SecretFormat Format)
{
    /// <summary>A Bicep symbolic name: <c>edgeTls</c> for <c>edge-tls</c>.</summary>
    public string Symbol => BicepSymbol.From(Name);
}
