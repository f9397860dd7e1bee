using SecureFlow.AppHost.Publishing.IdentityIssuer;

namespace Aspire.Hosting;

public static class IdentityIssuerResourceExtensions
{
    /// <summary>
    /// In Azure, the services' mutual TLS identities (<c>WithMutualTls</c>) in <paramref name="vault"/> are issued and
    /// renewed by <typeparamref name="TProject"/> inside the cluster: a Kubernetes Job at every deploy and a daily
    /// CronJob, with its own workload identity. Key Vault makes each key pair; the root key that signs them is a
    /// non-exportable Key Vault key, so no CA private key exists outside the vault. Locally the development CA keeps
    /// issuing the identities: nothing runs for this in run mode.
    /// <code>
    /// vault.PublishWithIdentityIssuer&lt;Projects.SecureFlow_IdentityIssuer&gt;();
    /// </code>
    /// </summary>
    /// <param name="vault">The vault that holds the identities.</param>
    /// <param name="name">The issuer's name in the deployment (service account, Job, CronJob, identity).</param>
    /// <returns>The vault's builder.</returns>
    public static IResourceBuilder<KeyVaultResource> PublishWithIdentityIssuer<TProject>(this IResourceBuilder<KeyVaultResource> vault, string name = "identity-issuer")
        where TProject : IProjectMetadata, new()
    {
        ArgumentNullException.ThrowIfNull(vault);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (vault.Resource.Annotations.OfType<IdentityIssuerAnnotation>().Any())
        {
            throw new InvalidOperationException($"Vault '{vault.Resource.Name}' already has its identity issuer.");
        }

        return vault.WithAnnotation(new IdentityIssuerAnnotation(name, new TProject().ProjectPath));
    }
}
