using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SecureFlow.Contracts.IdentityIssuer;
using SecureFlow.IdentityIssuer.Vault;
using SecureFlow.ServiceDefaults.MutualTls;

namespace SecureFlow.IdentityIssuer.Issuing;

/// <summary>The root and the service identities, built by .NET and signed by the vault's root key.</summary>
internal static class MeshCertificates
{
    public const string Organization = "SecureFlow";

    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    /// <summary>
    /// The root certificate of <paramref name="key"/>'s version, self-signed through the vault. Everything in it follows
    /// from the key version (validity from its creation, serial from its id) and RS256 signatures are deterministic, so
    /// every run builds the same certificate: nothing needs storing, and a new key version is a new root.
    /// </summary>
    public static X509Certificate2 Root(VaultKeySignatureGenerator generator, VaultKey key, IdentityIssuerOptions options)
    {
        var subject = Subject(options.RootCommonName);
        var request = new CertificateRequest(subject, key.PublicKey(), HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));

        // In a CA certificate the Extended Key Usage limits every certificate below it: TLS servers and clients only.
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuthentication, ClientAuthentication], critical: false));
        var serial = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key.Id.AbsoluteUri))[..16];
        serial[0] &= 0x7F;
        return request.Create(subject, generator, key.Created, key.Created.AddDays(options.RootValidityDays), serial);
    }

    /// <summary>
    /// A service identity for the public key of the vault's signing request: its SPIFFE id as a URI SAN and its DNS
    /// names, for TLS servers and clients, valid <see cref="IdentityIssuerOptions.ValidityDays"/> (never past the root).
    /// </summary>
    public static X509Certificate2 Identity(VaultKeySignatureGenerator generator, X509Certificate2 root, byte[] signingRequest, IssuedIdentityOptions identity, IdentityIssuerOptions options, DateTimeOffset now)
    {
        // The request's own signature proves the vault holds the key it names; its subject and extensions are not used.
        var requested = CertificateRequest.LoadSigningRequest(signingRequest, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default);
        var request = new CertificateRequest(Subject(identity.DnsNames[0]), requested.PublicKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuthentication, ClientAuthentication], critical: false));
        var names = new SubjectAlternativeNameBuilder();
        identity.DnsNames.ForEach(names.AddDnsName);
        names.AddUri(new Uri(identity.SpiffeId));
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, includeKeyIdentifier: true, includeIssuerAndSerial: false));

        var notBefore = now.AddMinutes(-5);
        var notAfter = now.AddDays(options.ValidityDays);
        if (notAfter > root.NotAfter)
        {
            notAfter = root.NotAfter;
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        return request.Create(root.SubjectName, generator, notBefore, notAfter, serial);
    }

    /// <summary>Whether <paramref name="certificate"/> names <paramref name="root"/> as its issuer (Authority Key Identifier).</summary>
    public static bool IsIssuedBy(X509Certificate2 certificate, X509Certificate2 root)
    {
        var issuer = certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().FirstOrDefault()?.KeyIdentifier;
        var subject = root.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault()?.SubjectKeyIdentifierBytes;
        return issuer is { } a && subject is { } b && a.Span.SequenceEqual(b.Span);
    }

    /// <summary>Whether <paramref name="certificate"/> carries exactly the identity's SPIFFE id (as the services read it) and DNS names.</summary>
    public static bool Names(X509Certificate2 certificate, IssuedIdentityOptions identity) =>
        ServiceCertificateIdentity.Of(certificate) == identity.SpiffeId
        && certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(san => san.EnumerateDnsNames())
            .Order(StringComparer.OrdinalIgnoreCase).SequenceEqual(identity.DnsNames.Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);

    private static X500DistinguishedName Subject(string commonName)
    {
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(commonName);
        subject.AddOrganizationName(Organization);
        return subject.Build();
    }
}
