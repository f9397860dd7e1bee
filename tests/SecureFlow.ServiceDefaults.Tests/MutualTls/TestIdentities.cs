using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecureFlow.ServiceDefaults.Tests.MutualTls;

/// <summary>An internal root and the service certificates it issues, made in the test (no committed keys).</summary>
internal static class TestIdentities
{
    public static X509Certificate2 Copy(X509Certificate2 root) => X509CertificateLoader.LoadCertificate(root.RawData);

    public static X509Certificate2 CreateRoot(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"O=SecureFlow, CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, critical: true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    public static X509Certificate2 Issue(X509Certificate2 root, params string[] ids)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("O=SecureFlow, CN=workload.secureflow.localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("workload.secureflow.localhost");
        foreach (var id in ids)
        {
            san.AddUri(new Uri(id));
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        using var rootKey = root.GetECDsaPrivateKey()!;
        using var issued = request.Create(root.SubjectName, X509SignatureGenerator.CreateForECDsa(rootKey), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(7), RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(key);
    }
}
