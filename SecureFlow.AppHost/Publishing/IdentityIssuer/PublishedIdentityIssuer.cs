using SecureFlow.Contracts;
using SecureFlow.Contracts.IdentityIssuer;

namespace SecureFlow.AppHost.Publishing.IdentityIssuer;

/// <summary>
/// The published issuer of the services' mutual TLS identities: who it is, which project azd builds for it, and what it
/// keeps current (each <c>WithMutualTls</c> certificate, with its SPIFFE id and its in-cluster DNS name).
/// </summary>
internal sealed record PublishedIdentityIssuer(string Name, string ProjectPath, IReadOnlyList<CertificateResource> Identities)
{
    /// <summary>The Key Vault key that signs the root and every identity (declared non-exportable by the deployment).</summary>
    public const string RootKeyName = "mesh-root";

    /// <summary>The daily run: every identity has at least its renewal threshold (30 days) left at any time.</summary>
    public const string Schedule = "17 3 * * *";

    /// <summary>What the issuer binds: the model's identities, under the names pods reach each other by.</summary>
    public IdentityIssuerOptions Options() => IdentityIssuerOptionsValidator.Instance.ThrowIfInvalid(new IdentityIssuerOptions
    {
        RootKeyName = RootKeyName,
        Identities = [.. Identities.Select(certificate => new IssuedIdentityOptions
        {
            CertificateName = certificate.Name,
            SpiffeId = certificate.SpiffeId!.ToString(),
            DnsNames = [$"{certificate.SpiffeId.Segments[^1]}.{PublishedApp.Namespace}.svc.cluster.local"],
        })],
    });

    public static PublishedIdentityIssuer? From(KeyVaultResource vault)
    {
        ArgumentNullException.ThrowIfNull(vault);
        var identities = vault.Certificates.Where(certificate => certificate.SpiffeId is not null).ToList();
        var annotation = vault.Annotations.OfType<IdentityIssuerAnnotation>().SingleOrDefault();
        if (identities.Count > 0 && annotation is null)
        {
            throw new InvalidOperationException(
                $"Services hold mutual TLS identities in '{vault.Name}' (WithMutualTls) but nothing issues them in Azure: call vault.PublishWithIdentityIssuer<Projects.SecureFlow_IdentityIssuer>().");
        }

        return annotation is null ? null : new PublishedIdentityIssuer(annotation.Name, annotation.ProjectPath, identities);
    }
}
