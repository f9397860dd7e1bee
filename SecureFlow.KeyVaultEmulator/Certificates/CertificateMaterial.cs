using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using SecureFlow.KeyVaultEmulator.Apis;

namespace SecureFlow.KeyVaultEmulator.Certificates;

/// <summary>
/// A certificate with its private key, as Key Vault stores it: the public part (<c>cer</c>), and the backing secret in
/// the policy's content type (PKCS#12 without a password, or PEM with the key).
/// </summary>
public sealed class CertificateMaterial : IDisposable
{
    public const string Pkcs12ContentType = "application/x-pkcs12";
    public const string PemContentType = "application/x-pem-file";

    private CertificateMaterial(X509Certificate2 certificate, X509Certificate2[]? chain = null)
    {
        Certificate = certificate;
        Chain = chain ?? [];
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>The issuers a merge sent after the certificate (x5c), kept in the backing secret as Key Vault does.</summary>
    public IReadOnlyList<X509Certificate2> Chain { get; }

    /// <summary>
    /// What an import sends: PEM text (certificate and private key), or base64 PKCS#12 with an optional password.
    /// Anything else, or a certificate without its private key, is bad input.
    /// </summary>
    public static CertificateMaterial Import(string value, string? password)
    {
        ArgumentNullException.ThrowIfNull(value);
        X509Certificate2 certificate;
        try
        {
            certificate = value.Contains("-----BEGIN", StringComparison.Ordinal)
                ? X509Certificate2.CreateFromPem(value, value)
                : X509CertificateLoader.LoadPkcs12(Convert.FromBase64String(value), password, X509KeyStorageFlags.Exportable);
        }
        catch (Exception exception) when (exception is CryptographicException or FormatException or ArgumentException)
        {
            throw new BadInputException("The certificate could not be read: send PEM (certificate and private key) or base64 PKCS#12.");
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new BadInputException("The certificate has no private key: Key Vault imports a certificate together with its key.");
        }

        return new CertificateMaterial(certificate);
    }

    /// <summary>A self-signed certificate for the <c>Self</c> issuer, from the policy's subject, DNS names, key size and validity.</summary>
    public static CertificateMaterial CreateSelfSigned(JsonObject policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var x509 = JsonBody.OptionalObject(policy, "x509_props") ?? throw new BadInputException("The policy needs x509_props with a subject.");
        var subject = JsonBody.Optional<string>(x509, "subject") ?? throw new BadInputException("The policy needs x509_props.subject.");
        var keySize = JsonBody.OptionalObject(policy, "key_props") is { } keyProperties ? JsonBody.Optional<int?>(keyProperties, "key_size") ?? 2048 : 2048;
        if (keySize is not (2048 or 3072 or 4096))
        {
            throw new BadInputException("key_size must be 2048, 3072 or 4096.");
        }

        var months = JsonBody.Optional<int?>(x509, "validity_months") ?? 12;
        if (months is < 1 or > 1200)
        {
            throw new BadInputException("validity_months must be between 1 and 1200.");
        }

        X500DistinguishedName name;
        try
        {
            name = new X500DistinguishedName(subject);
        }
        catch (CryptographicException)
        {
            throw new BadInputException($"'{subject}' is not a valid subject.");
        }

        using var key = RSA.Create(keySize);
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        AddDnsNames(request, x509);

        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        var notBefore = DateTimeOffset.UtcNow.AddMinutes(-5);
        using var created = request.CreateSelfSigned(notBefore, notBefore.AddMonths(months));
        return new CertificateMaterial(X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), password: null, X509KeyStorageFlags.Exportable));
    }

    /// <summary>
    /// A merge: the certificate an outside issuer signed (<paramref name="x5c"/>, leaf first, then its issuers), joined
    /// with the pending key. A leaf whose public key is not the pending key's is refused, as Key Vault refuses it.
    /// </summary>
    public static CertificateMaterial Merge(IReadOnlyList<string> x5c, AsymmetricAlgorithm pendingKey)
    {
        ArgumentNullException.ThrowIfNull(x5c);
        ArgumentNullException.ThrowIfNull(pendingKey);
        if (x5c.Count == 0)
        {
            throw new BadInputException("'x5c' must hold the signed certificate (base64 DER), then its issuers.");
        }

        X509Certificate2[] certificates;
        try
        {
            certificates = [.. x5c.Select(value => X509CertificateLoader.LoadCertificate(Convert.FromBase64String(value)))];
        }
        catch (Exception exception) when (exception is CryptographicException or FormatException)
        {
            throw new BadInputException("'x5c' holds a value that is not a base64 DER certificate.");
        }

        using var leaf = certificates[0];
        if (!leaf.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(pendingKey.ExportSubjectPublicKeyInfo()))
        {
            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }

            throw new MergeMismatchException();
        }

        using var withKey = pendingKey switch
        {
            RSA rsa => leaf.CopyWithPrivateKey(rsa),
            ECDsa ec => leaf.CopyWithPrivateKey(ec),
            _ => throw new BadInputException("Only RSA and EC keys are supported."),
        };
        var exportable = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), password: null, X509KeyStorageFlags.Exportable);
        return new CertificateMaterial(exportable, certificates[1..]);
    }

    /// <summary>
    /// The signing request of a pending certificate (issuer <c>Unknown</c>): the policy's subject and DNS names over the
    /// pending key, base64 DER, which the outside issuer turns into the certificate it signs.
    /// </summary>
    public static string PendingSigningRequest(JsonObject policy, AsymmetricAlgorithm key)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var x509 = JsonBody.OptionalObject(policy, "x509_props") ?? throw new BadInputException("The policy needs x509_props with a subject.");
        var subject = JsonBody.Optional<string>(x509, "subject") ?? throw new BadInputException("The policy needs x509_props.subject.");
        X500DistinguishedName name;
        try
        {
            name = new X500DistinguishedName(subject);
        }
        catch (CryptographicException)
        {
            throw new BadInputException($"'{subject}' is not a valid subject.");
        }

        var request = key switch
        {
            RSA rsa => new CertificateRequest(name, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            ECDsa ec => new CertificateRequest(name, ec, HashAlgorithmName.SHA256),
            _ => throw new BadInputException("Only RSA and EC keys are supported."),
        };
        AddDnsNames(request, x509);

        return Convert.ToBase64String(request.CreateSigningRequest());
    }

    /// <summary>x5t: the SHA-1 thumbprint, base64url, as Key Vault reports it.</summary>
    public string X5t => Convert.ToBase64String(Certificate.GetCertHash()).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public string Cer => Convert.ToBase64String(Certificate.RawData);

    /// <summary>A PKCS#10 request for the certificate's subject and key (the <c>csr</c> of a creation operation), base64.</summary>
    public string SigningRequest()
    {
        using var key = Certificate.GetRSAPrivateKey() ?? throw new InvalidOperationException("Created certificates have RSA keys.");
        var request = new CertificateRequest(Certificate.SubjectName, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return Convert.ToBase64String(request.CreateSigningRequest());
    }

    /// <summary>The backing secret's value in <paramref name="contentType"/>.</summary>
    public string SecretValue(string contentType) => contentType switch
    {
        PemContentType => PrivateKeyPem() + string.Concat(new[] { Certificate }.Concat(Chain).Select(certificate => certificate.ExportCertificatePem() + "\n")),
        _ => Convert.ToBase64String(new X509Certificate2Collection((X509Certificate2[])[Certificate, .. Chain]).Export(X509ContentType.Pkcs12)!),
    };

    /// <summary>
    /// The policy Key Vault reports for this certificate: the request's policy, completed with what the certificate
    /// says (subject, DNS names, key) where the request left it out.
    /// </summary>
    public JsonObject Policy(JsonObject? requested, string issuer)
    {
        var policy = requested?.DeepClone().AsObject() ?? [];
        var key = Certificate.GetRSAPublicKey();
        policy["key_props"] ??= new JsonObject
        {
            ["exportable"] = true,
            ["kty"] = key is null ? "EC" : "RSA",
            ["key_size"] = key?.KeySize,
            ["reuse_key"] = false,
        };
        policy["secret_props"] ??= new JsonObject { ["contentType"] = Pkcs12ContentType };
        policy["x509_props"] ??= new JsonObject
        {
            ["subject"] = Certificate.Subject,
            ["sans"] = new JsonObject { ["dns_names"] = new JsonArray([.. DnsNamesOf(Certificate).Select(dns => JsonValue.Create(dns))]) },
            ["validity_months"] = Math.Max(1, (int)Math.Round((Certificate.NotAfter - Certificate.NotBefore).TotalDays / 30)),
        };
        policy["issuer"] ??= new JsonObject { ["name"] = issuer };
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        policy["attributes"] ??= new JsonObject { ["enabled"] = true, ["created"] = now, ["updated"] = now };
        policy.Remove("id");
        return policy;
    }

    /// <summary>The content type the policy asks the backing secret to have.</summary>
    public static string ContentType(JsonObject? policy)
    {
        var contentType = policy is not null && JsonBody.OptionalObject(policy, "secret_props") is { } secret
            ? JsonBody.Optional<string>(secret, "contentType")
            : null;
        return contentType switch
        {
            null or Pkcs12ContentType => Pkcs12ContentType,
            PemContentType => PemContentType,
            _ => throw new BadInputException($"Content type '{contentType}' is not supported: use {Pkcs12ContentType} or {PemContentType}."),
        };
    }

    public void Dispose()
    {
        Certificate.Dispose();
        foreach (var issuer in Chain)
        {
            issuer.Dispose();
        }
    }

    private string PrivateKeyPem()
    {
        using AsymmetricAlgorithm key = (AsymmetricAlgorithm?)Certificate.GetRSAPrivateKey() ?? Certificate.GetECDsaPrivateKey()
            ?? throw new BadInputException("Only RSA and EC keys are supported.");
        return key.ExportPkcs8PrivateKeyPem() + "\n";
    }

    /// <summary>The policy's <c>sans.dns_names</c> as the request's Subject Alternative Name, if it has any.</summary>
    private static void AddDnsNames(CertificateRequest request, JsonObject x509)
    {
        var dnsNames = DnsNames(x509);
        if (dnsNames.Count == 0)
        {
            return;
        }

        var san = new SubjectAlternativeNameBuilder();
        try
        {
            dnsNames.ForEach(san.AddDnsName);
        }
        catch (ArgumentException)
        {
            throw new BadInputException("sans.dns_names holds a name that is not a DNS name.");
        }

        request.CertificateExtensions.Add(san.Build());
    }

    private static List<string> DnsNames(JsonObject x509)
    {
        if (JsonBody.OptionalObject(x509, "sans") is not { } sans || !sans.TryGetPropertyValue("dns_names", out var node) || node is null)
        {
            return [];
        }

        return node is JsonArray names && names.All(name => name is JsonValue value && value.TryGetValue<string>(out _))
            ? [.. names.Select(name => name!.GetValue<string>())]
            : throw new BadInputException("sans.dns_names must be an array of strings.");
    }

    private static IEnumerable<string> DnsNamesOf(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(san => san.EnumerateDnsNames());
}
