using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SecureFlow.ServiceDefaults.Tls;

namespace SecureFlow.ServiceDefaults.MutualTls;

/// <summary>
/// Judges the certificate a peer presented: it must chain to the internal root alone (a custom trust store with that one
/// anchor; the system store is never consulted), be valid now, be meant for the peer's side of TLS (Extended Key Usage)
/// and carry exactly one SPIFFE id. The caller then decides whether that identity may talk to it.
/// </summary>
public static class PeerCertificateValidator
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    /// <returns>The peer's SPIFFE id, or the refusal: <c>no-certificate</c>, <c>untrusted</c> or <c>no-identity</c>.</returns>
    public static (string? Identity, string? Refusal) Validate(X509Certificate? presented, X509Certificate2 trustAnchor, bool peerIsClient)
    {
        ArgumentNullException.ThrowIfNull(trustAnchor);
        if (presented is null)
        {
            return (null, MutualTlsRefusal.NoCertificate);
        }

        using var certificate = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        using var chain = new X509Chain { ChainPolicy = TrustedRootPolicy.TrustingOnly(trustAnchor) };
        chain.ChainPolicy.ApplicationPolicy.Add(peerIsClient ? ClientAuthentication : ServerAuthentication);
        if (!chain.Build(certificate))
        {
            return (ServiceCertificateIdentity.Of(certificate), MutualTlsRefusal.Untrusted);
        }

        return ServiceCertificateIdentity.Of(certificate) is { } identity ? (identity, null) : (null, MutualTlsRefusal.NoIdentity);
    }
}
