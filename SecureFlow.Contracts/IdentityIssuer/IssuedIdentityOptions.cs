namespace SecureFlow.Contracts.IdentityIssuer;

/// <summary>One service's mutual TLS identity, as the issuer keeps it in Key Vault.</summary>
public sealed class IssuedIdentityOptions
{
    /// <summary>The Key Vault certificate that holds it: <c>SERVICE-mtls</c>.</summary>
    public string CertificateName { get; set; } = "";

    /// <summary>The URI SAN: <c>spiffe://TRUST-DOMAIN/ns/NAMESPACE/sa/SERVICE</c>.</summary>
    public string SpiffeId { get; set; } = "";

    /// <summary>The DNS SANs; the first is also the subject's common name.</summary>
    public List<string> DnsNames { get; set; } = [];
}
