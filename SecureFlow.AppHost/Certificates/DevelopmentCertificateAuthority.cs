using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecureFlow.AppHost.Certificates;

/// <summary>
/// The local development CA: one root per user, created on first run and kept (so that trusting it once survives
/// restarts), which issues short-lived leaf certificates for the local hops. The root is name-constrained to
/// <c>secureflow.localhost</c>, <c>localhost</c> and loopback addresses, so trusting it lets it vouch for nothing else.
/// </summary>
public sealed class DevelopmentCertificateAuthority : IDisposable
{
    public const string RootCertificateFileName = "root.crt";
    public const string RootKeyFileName = "root.key";

    /// <summary>The DNS names (and everything below them) the root may issue for.</summary>
    public static IReadOnlyList<string> PermittedDnsNames { get; } = ["secureflow.localhost", "localhost"];

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

    /// <summary>Loads the root in <paramref name="directory"/>, creating it the first time.</summary>
    public static DevelopmentCertificateAuthority LoadOrCreate(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        CreatePrivateDirectory(directory);

        // Several AppHosts (parallel test runs) may start at once on a fresh machine: one creates, the others wait.
        using var creationLock = AcquireLock(Path.Combine(directory, ".lock"));
        var certificatePath = Path.Combine(directory, RootCertificateFileName);
        var keyPath = Path.Combine(directory, RootKeyFileName);
        if (!File.Exists(certificatePath) || !File.Exists(keyPath))
        {
            using var created = CreateRoot();
            WriteAtomically(keyPath, created.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem(), privateFile: true);
            WriteAtomically(certificatePath, created.ExportCertificatePem(), privateFile: false);
        }

        try
        {
            var root = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            if (root.NotAfter < DateTime.Now.AddDays(30))
            {
                throw new InvalidOperationException($"The development CA root in '{directory}' expires on {root.NotAfter:d}: delete the folder to create a new root, then trust the new one.");
            }

            return new DevelopmentCertificateAuthority(directory, root);
        }
        catch (CryptographicException exception)
        {
            throw new InvalidOperationException(
                $"The development CA in '{directory}' could not be read ({exception.Message}). Delete the folder to create a new root, then trust the new one.",
                exception);
        }
    }

    /// <summary>Issues a leaf for TLS servers, valid for <paramref name="dnsNames"/>, with a new RSA key.</summary>
    public X509Certificate2 IssueServerCertificate(IReadOnlyList<string> dnsNames)
    {
        ArgumentNullException.ThrowIfNull(dnsNames);
        if (dnsNames.Count == 0)
        {
            throw new ArgumentException("A server certificate needs at least one DNS name.", nameof(dnsNames));
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
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(dnsNames[0]);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            san.AddDnsName(name);
        }

        request.CertificateExtensions.Add(san.Build(critical: false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_root, includeKeyIdentifier: true, includeIssuerAndSerial: false));

        var notBefore = DateTimeOffset.UtcNow.AddMinutes(-5);
        var notAfter = Min(notBefore + LeafLifetime, _root.NotAfter);
        using var rootKey = _root.GetECDsaPrivateKey()!;
        using var issued = request.Create(
            _root.SubjectName, X509SignatureGenerator.CreateForECDsa(rootKey), notBefore, notAfter, RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(key);
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

    private static X509Certificate2 CreateRoot()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddOrganizationName("SecureFlow");
        subject.AddCommonName($"SecureFlow Development CA ({Environment.UserName}@{Environment.MachineName})");
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA384);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(NameConstraints());

        var notBefore = DateTimeOffset.UtcNow.AddMinutes(-5);
        return request.CreateSelfSigned(notBefore, notBefore + RootLifetime);
    }

    /// <summary>RFC 5280 4.2.1.10: permitted DNS subtrees and the loopback address ranges, marked critical.</summary>
    private static X509Extension NameConstraints()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
        {
            foreach (var name in PermittedDnsNames)
            {
                using (writer.PushSequence())
                {
                    writer.WriteCharacterString(UniversalTagNumber.IA5String, name, new Asn1Tag(TagClass.ContextSpecific, 2));
                }
            }

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
                    writer.WriteOctetString(range, new Asn1Tag(TagClass.ContextSpecific, 7));
                }
            }
        }

        return new X509Extension("2.5.29.30", writer.Encode(), critical: true);
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
}
