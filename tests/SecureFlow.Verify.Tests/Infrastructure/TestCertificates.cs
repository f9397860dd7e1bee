using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecureFlow.Verify.Tests.Infrastructure;

/// <summary>A root and a server certificate made for one test (never committed), written as PEM files for nginx.</summary>
public sealed class TestCertificates : IDisposable
{
    private TestCertificates(X509Certificate2 root, string rootPath, string certificatePath, string keyPath)
    {
        Root = root;
        RootPath = rootPath;
        CertificatePath = certificatePath;
        KeyPath = keyPath;
    }

    public X509Certificate2 Root { get; }

    public string RootPath { get; }

    public string CertificatePath { get; }

    public string KeyPath { get; }

    /// <param name="validFor">How long the server certificate is valid from now.</param>
    public static TestCertificates Create(string directory, string host, TimeSpan validFor)
    {
        using var rootKey = RSA.Create(2048);
        var rootRequest = new CertificateRequest("CN=SecureFlow Verify test root", rootKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var now = DateTimeOffset.UtcNow;
        using var rootWithKey = rootRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(2).Add(validFor));

        using var serverKey = RSA.Create(2048);
        var serverRequest = new CertificateRequest($"CN={host}", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(host);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = serverRequest.Create(rootWithKey, now.AddMinutes(-5), now.Add(validFor), RandomNumberGenerator.GetBytes(16));

        var rootPath = Path.Combine(directory, "root.crt");
        var certificatePath = Path.Combine(directory, "server.crt");
        var keyPath = Path.Combine(directory, "server.key");
        File.WriteAllText(rootPath, rootWithKey.ExportCertificatePem());
        File.WriteAllText(certificatePath, server.ExportCertificatePem());
        File.WriteAllText(keyPath, serverKey.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return new TestCertificates(X509CertificateLoader.LoadCertificate(rootWithKey.RawData), rootPath, certificatePath, keyPath);
    }

    public void Dispose() => Root.Dispose();
}
