using System.Security.Cryptography.X509Certificates;
using SecureFlow.Contracts.MutualTls;

namespace SecureFlow.ServiceDefaults.MutualTls;

/// <summary>The SPIFFE id a certificate carries: its one <c>spiffe://</c> URI SAN, or null (none, several, or malformed).</summary>
public static class ServiceCertificateIdentity
{
    public static string? Of(X509Certificate2? certificate)
    {
        if (certificate is null)
        {
            return null;
        }

        var ids = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>()
            .SelectMany(UriNames)
            .Where(uri => uri.StartsWith("spiffe:", StringComparison.OrdinalIgnoreCase))
            .ToList();
        return ids is [var id] && SpiffeId.IsValid(id) ? id : null;
    }

    /// <summary>The URI names of a subject alternative name extension (context tag 6, IA5String), read with the ASN.1 reader.</summary>
    private static IEnumerable<string> UriNames(X509SubjectAlternativeNameExtension san)
    {
        var reader = new System.Formats.Asn1.AsnReader(san.RawData, System.Formats.Asn1.AsnEncodingRules.DER);
        var names = reader.ReadSequence();
        var uris = new List<string>();
        var uriTag = new System.Formats.Asn1.Asn1Tag(System.Formats.Asn1.TagClass.ContextSpecific, 6);
        while (names.HasData)
        {
            if (names.PeekTag().HasSameClassAndValue(uriTag))
            {
                uris.Add(names.ReadCharacterString(System.Formats.Asn1.UniversalTagNumber.IA5String, uriTag));
            }
            else
            {
                names.ReadEncodedValue();
            }
        }

        return uris;
    }
}
