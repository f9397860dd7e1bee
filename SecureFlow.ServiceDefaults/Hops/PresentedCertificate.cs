using System.Security.Cryptography.X509Certificates;

namespace SecureFlow.ServiceDefaults.Hops;

/// <summary>
/// The certificate a hop's server presented in the handshake: its subject, issuer, expiry, SHA-1 thumbprint (as Key
/// Vault and Application Gateway show it) and, when the service read it from Key Vault, the version it read.
/// </summary>
public sealed record PresentedCertificate(string Subject, string Issuer, DateTimeOffset NotAfter, string Thumbprint, string? VaultVersion = null)
{
    /// <summary>What <paramref name="certificate"/> shows, with the vault version <paramref name="versions"/> recorded for it.</summary>
    public static PresentedCertificate? Of(X509Certificate? certificate, CertificateVersions? versions)
    {
        switch (certificate)
        {
            case null:
                return null;
            case X509Certificate2 full:
                return From(full, versions);
            default:
                using (var full = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()))
                {
                    return From(full, versions);
                }
        }
    }

    private static PresentedCertificate From(X509Certificate2 certificate, CertificateVersions? versions) => new(
        certificate.Subject,
        certificate.Issuer,
        new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero),
        certificate.Thumbprint,
        versions?.VersionOf(certificate.Thumbprint));
}
