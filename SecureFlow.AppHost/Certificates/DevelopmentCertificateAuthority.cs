using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace SecureFlow.AppHost.Certificates;

/// <summary>
/// The local development CA: one root per user, created on first run and kept (so that trusting it once survives
/// restarts), which issues short-lived leaf certificates for the local hops. The root vouches for TLS only (Extended
/// Key Usage server and client authentication: no code signing, no e-mail) and is name-constrained to
/// <c>secureflow.localhost</c>, <c>localhost</c> and loopback addresses, the SPIFFE trust domain
/// <c>spiffe://secureflow.localhost</c>, subjects under <c>O=SecureFlow</c> and no mailbox at all, so trusting it lets
/// it vouch for nothing else, even if its key leaks.
/// </summary>
public sealed partial class DevelopmentCertificateAuthority : IDisposable
{
    public const string RootCertificateFileName = "root.crt";
    public const string RootKeyFileName = "root.key";

    /// <summary>The DNS names (and everything below them) the root may issue for.</summary>
    public static IReadOnlyList<string> PermittedDnsNames { get; } = ["secureflow.localhost", "localhost"];

    /// <summary>The SPIFFE trust domain of the workloads' URI identities (mutual TLS): the only URI host the root may issue for.</summary>
    public const string SpiffeTrustDomain = "secureflow.localhost";

    /// <summary>Every subject the root issues starts with this organization (a directoryName constraint).</summary>
    public const string Organization = "SecureFlow";

    /// <summary>
    /// The only mailbox host the root may name: RFC 6761's <c>invalid</c>, which no mailbox can be on. A permitted
    /// subtree, because an empty excluded rfc822Name excludes nothing in OpenSSL (its nc_email compares the host).
    /// </summary>
    private const string NoMailboxHost = "invalid";

    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1", "Server Authentication");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2", "Client Authentication");

    private static readonly TimeSpan RootLifetime = TimeSpan.FromDays(10 * 365);
    private static readonly TimeSpan LeafLifetime = TimeSpan.FromDays(7);

    private readonly X509Certificate2 _root;

    private DevelopmentCertificateAuthority(string directory, X509Certificate2 root)
    {
        Directory = directory;
        _root = root;
    }

    /// <summary>Where the root lives: <see cref="RootCertificateFileName"/> (to trust) and its private key.</summary>
    public string Directory { get; }

    public string RootCertificatePath => Path.Combine(Directory, RootCertificateFileName);

    /// <summary>The root certificate, without its private key.</summary>
    public X509Certificate2 RootCertificate => X509CertificateLoader.LoadCertificate(_root.RawData);

    /// <summary>The per-user default: <c>~/.local/share/SecureFlow/dev-ca</c> on Linux, <c>%LOCALAPPDATA%\SecureFlow\dev-ca</c> on Windows.</summary>
    public static string DefaultDirectory => Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
        "SecureFlow", "dev-ca");

    /// <summary>
    /// Loads the root in <paramref name="directory"/>, creating it the first time. A root made by an earlier version,
    /// without today's Extended Key Usage and name constraints, is replaced once (logged on <paramref name="logger"/>:
    /// trust the new root).
    /// </summary>
    public static DevelopmentCertificateAuthority LoadOrCreate(string directory, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        CreatePrivateDirectory(directory);

        // Several AppHosts (parallel test runs, other worktrees) may start at once: one creates or replaces, the others
        // wait and then read what it wrote. The lock is an OS file lock, so it holds across processes.
        using var creationLock = AcquireLock(Path.Combine(directory, ".lock"));
        var certificatePath = Path.Combine(directory, RootCertificateFileName);
        var keyPath = Path.Combine(directory, RootKeyFileName);
        if (!File.Exists(certificatePath) || !File.Exists(keyPath))
        {
            WriteNewRoot(certificatePath, keyPath);
        }

        var root = ReadRoot(directory, certificatePath, keyPath);
        if (!HasCurrentConstraints(root))
        {
            var outdated = root.Thumbprint;
            root.Dispose();
            WriteNewRoot(certificatePath, keyPath);
            root = ReadRoot(directory, certificatePath, keyPath);
            if (logger is not null)
            {
                LogRootReplaced(logger, outdated, root.Thumbprint, certificatePath);
            }
        }

        return new DevelopmentCertificateAuthority(directory, root);
    }

    /// <summary>Whether <paramref name="root"/> carries exactly the Extended Key Usage and name constraints this version issues.</summary>
    public static bool HasCurrentConstraints(X509Certificate2 root)
    {
        ArgumentNullException.ThrowIfNull(root);
        return root.Extensions["2.5.29.30"] is { Critical: true } constraints
            && constraints.RawData.AsSpan().SequenceEqual(NameConstraints().RawData)
            && root.Extensions.OfType<X509EnhancedKeyUsageExtension>().SingleOrDefault() is { } usage
            && usage.EnhancedKeyUsages.Cast<Oid>().Select(oid => oid.Value).Order(StringComparer.Ordinal)
                .SequenceEqual([ServerAuthentication.Value, ClientAuthentication.Value]);
    }

    /// <summary>
    /// Issues a leaf for TLS servers, valid for <paramref name="dnsNames"/>, with a new RSA key. With
    /// <paramref name="spiffeId"/> it is a service's identity for mutual TLS: that URI in its subject alternative names
    /// too, and good for TLS clients as well as servers.
    /// </summary>
    public X509Certificate2 IssueServerCertificate(IReadOnlyList<string> dnsNames, Uri? spiffeId = null)
    {
        ArgumentNullException.ThrowIfNull(dnsNames);
        if (dnsNames.Count == 0)
        {
            throw new ArgumentException("A server certificate needs at least one DNS name.", nameof(dnsNames));
        }

        if (spiffeId is not null && (spiffeId.Scheme != "spiffe" || !string.Equals(spiffeId.Host, SpiffeTrustDomain, StringComparison.Ordinal)))
        {
            throw new ArgumentException($"'{spiffeId}' is outside the development CA's SPIFFE trust domain spiffe://{SpiffeTrustDomain}.", nameof(spiffeId));
        }

        foreach (var name in dnsNames)
        {
            if (!PermittedDnsNames.Any(permitted => IsWithin(name, permitted)))
            {
                throw new ArgumentException(
                    $"'{name}' is outside the development CA's names ({string.Join(", ", PermittedDnsNames)} and their subdomains).", nameof(dnsNames));
            }
        }

        // RSA 2048: what Key Vault's default certificate policy and Application Gateway listeners use.
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(Subject(dnsNames[0]), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            san.AddDnsName(name);
        }

        if (spiffeId is not null)
        {
            san.AddUri(spiffeId);
        }

        request.CertificateExtensions.Add(san.Build(critical: false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            spiffeId is null ? [ServerAuthentication] : [ServerAuthentication, ClientAuthentication], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_root, includeKeyIdentifier: true, includeIssuerAndSerial: false));

        var notBefore = DateTimeOffset.UtcNow.AddMinutes(-5);
        var notAfter = Min(notBefore + LeafLifetime, _root.NotAfter);
        using var rootKey = _root.GetECDsaPrivateKey()!;
        using var issued = request.Create(
            _root.SubjectName, X509SignatureGenerator.CreateForECDsa(rootKey), notBefore, notAfter, RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>
    /// <c>O=SecureFlow</c> first, then the common name (in DER order; the builder puts the last name added first), as the
    /// root's directoryName constraint requires.
    /// </summary>
    public static X500DistinguishedName Subject(string commonName)
    {
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(commonName);
        subject.AddOrganizationName(Organization);
        return subject.Build();
    }

    /// <summary>Writes a certificate and its key as PEM files (the CSI driver's shape); the key file is private to the user.</summary>
    public static void WritePemFiles(X509Certificate2 certificate, string certificatePath, string keyPath)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var key = certificate.GetRSAPrivateKey() ?? throw new ArgumentException("The certificate has no RSA private key.", nameof(certificate));
        WriteAtomically(keyPath, key.ExportPkcs8PrivateKeyPem(), privateFile: true);
        WriteAtomically(certificatePath, certificate.ExportCertificatePem(), privateFile: false);
    }

    public void Dispose() => _root.Dispose();

    private static void WriteNewRoot(string certificatePath, string keyPath)
    {
        using var created = CreateRoot();
        WriteAtomically(keyPath, created.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem(), privateFile: true);
        WriteAtomically(certificatePath, created.ExportCertificatePem(), privateFile: false);
    }

    private static X509Certificate2 ReadRoot(string directory, string certificatePath, string keyPath)
    {
        try
        {
            var root = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            if (root.NotAfter < DateTime.Now.AddDays(30))
            {
                var notAfter = root.NotAfter;
                root.Dispose();
                throw new InvalidOperationException($"The development CA root in '{directory}' expires on {notAfter:d}: delete the folder to create a new root, then trust the new one.");
            }

            return root;
        }
        catch (CryptographicException exception)
        {
            throw new InvalidOperationException(
                $"The development CA in '{directory}' could not be read ({exception.Message}). Delete the folder to create a new root, then trust the new one.",
                exception);
        }
    }

    private static X509Certificate2 CreateRoot()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddOrganizationName(Organization);
        subject.AddCommonName($"SecureFlow Development CA ({Environment.UserName}@{Environment.MachineName})");
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA384);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));

        // In a CA certificate the Extended Key Usage limits what every certificate below it may be used for (OpenSSL,
        // .NET, Windows and browsers enforce it): TLS servers and clients (mutual TLS), not code signing or e-mail.
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuthentication, ClientAuthentication], critical: false));
        request.CertificateExtensions.Add(NameConstraints());

        var notBefore = DateTimeOffset.UtcNow.AddMinutes(-5);
        return request.CreateSelfSigned(notBefore, notBefore + RootLifetime);
    }

    /// <summary>
    /// RFC 5280 4.2.1.10, marked critical. Only permitted subtrees: for each name form listed, a name of that form outside
    /// its subtrees is refused (for URIs the subtree is the host, so <c>secureflow.localhost</c> permits
    /// <c>spiffe://secureflow.localhost/...</c> and nothing else, not even a subdomain). The subject must start with
    /// <c>O=SecureFlow</c>, so no leaf can carry another organization's name (servers that authorize client certificates
    /// by subject). Forms not listed (otherName, registeredID) are not processed by OpenSSL and never issued here.
    /// </summary>
    private static X509Extension NameConstraints()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
        {
            WriteSubtree(writer, GeneralName.Rfc822Name, NoMailboxHost);
            foreach (var name in PermittedDnsNames)
            {
                WriteSubtree(writer, GeneralName.DnsName, name);
            }

            using (writer.PushSequence())
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, (int)GeneralName.DirectoryName, isConstructed: true)))
            {
                var organization = new X500DistinguishedNameBuilder();
                organization.AddOrganizationName(Organization);
                writer.WriteEncodedValue(organization.Build().RawData);
            }

            WriteSubtree(writer, GeneralName.UniformResourceIdentifier, SpiffeTrustDomain);

            // Loopback only: 127.0.0.0/8 and ::1/128 (address followed by mask).
            byte[][] addressRanges =
            [
                [127, 0, 0, 0, 255, 0, 0, 0],
                [.. IPAddress.IPv6Loopback.GetAddressBytes(), .. Enumerable.Repeat((byte)0xFF, 16)],
            ];
            foreach (var range in addressRanges)
            {
                using (writer.PushSequence())
                {
                    writer.WriteOctetString(range, new Asn1Tag(TagClass.ContextSpecific, (int)GeneralName.IPAddress));
                }
            }
        }

        return new X509Extension("2.5.29.30", writer.Encode(), critical: true);
    }

    /// <summary>A GeneralSubtree of one of the IA5String name forms (rfc822Name, dNSName, URI).</summary>
    private static void WriteSubtree(AsnWriter writer, GeneralName form, string name)
    {
        using (writer.PushSequence())
        {
            writer.WriteCharacterString(UniversalTagNumber.IA5String, name, new Asn1Tag(TagClass.ContextSpecific, (int)form));
        }
    }

    /// <summary>The GeneralName choices (RFC 5280 4.2.1.6) the constraints use, by context tag.</summary>
    private enum GeneralName
    {
        Rfc822Name = 1,
        DnsName = 2,
        DirectoryName = 4,
        UniformResourceIdentifier = 6,
        IPAddress = 7,
    }

    private static bool IsWithin(string name, string permitted)
    {
        var host = name.StartsWith("*.", StringComparison.Ordinal) ? name[2..] : name;
        return string.Equals(host, permitted, StringComparison.OrdinalIgnoreCase)
            || host.EndsWith("." + permitted, StringComparison.OrdinalIgnoreCase);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTime b) => a < b ? a : new DateTimeOffset(b);

    private static void CreatePrivateDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static FileStream AcquireLock(string path)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 200)
            {
                Thread.Sleep(50);
            }
        }
    }

    /// <summary>Writes to a temporary file and renames it, so that a reader never sees half a file.</summary>
    private static void WriteAtomically(string path, string contents, bool privateFile)
    {
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = privateFile
                ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        }

        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(contents);
        }

        File.Move(temporary, path, overwrite: true);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The development CA root {Outdated} had no TLS-only key usage or older name constraints: it was replaced by {Replacement}. Trust the new root ({Path}) and remove the old one from your trust stores.")]
    private static partial void LogRootReplaced(ILogger logger, string outdated, string replacement, string path);
}
