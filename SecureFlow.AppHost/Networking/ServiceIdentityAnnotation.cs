namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The service's identity for mutual TLS (<c>WithMutualTls</c>): its own certificate in the vault, carrying its SPIFFE
/// id, and the TLS policy of its mutual TLS hops.
/// </summary>
public sealed record ServiceIdentityAnnotation(CertificateResource Certificate, TlsPolicy TlsPolicy) : IResourceAnnotation
{
    public Uri SpiffeId => Certificate.SpiffeId ?? throw new InvalidOperationException($"Certificate '{Certificate.Name}' carries no SPIFFE id.");
}
