using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using SecureFlow.Contracts.MutualTls;
using SecureFlow.ServiceDefaults.MutualTls;

namespace SecureFlow.ServiceDefaults.Tests.MutualTls;

/// <summary>A refreshed service certificate is taken only when the service can still prove who it is with it.</summary>
public sealed class ServiceCertificateTests : IDisposable
{
    private const string Workload = "spiffe://secureflow.localhost/ns/secureflow/sa/workload";

    private readonly X509Certificate2 _root = CreateRoot("SecureFlow test root");

    [Fact]
    public void ANewVersionOfTheSameIdentityFromTheRootIsTakenForNewConnections()
    {
        using var certificate = Create(Issue(_root, Workload));
        var next = Issue(_root, Workload);
        var thumbprint = next.Thumbprint;

        Assert.True(certificate.Replace(next, Copy(_root)));

        Assert.Equal(thumbprint, certificate.Certificate.Thumbprint);
    }

    [Fact]
    public void ACertificateOfAnotherIdentityIsRefusedAndTheCurrentOneStays()
    {
        using var certificate = Create(Issue(_root, Workload));
        var current = certificate.Certificate.Thumbprint;

        var refused = Assert.Throws<InvalidOperationException>(() => certificate.Replace(Issue(_root, "spiffe://secureflow.localhost/ns/secureflow/sa/orders"), Copy(_root)));

        Assert.Contains("not this service's", refused.Message, StringComparison.Ordinal);
        Assert.Equal(current, certificate.Certificate.Thumbprint);
    }

    [Fact]
    public void ACertificateFromAnotherRootIsRefusedAndTheCurrentOneStays()
    {
        using var certificate = Create(Issue(_root, Workload));
        using var rogue = CreateRoot("Rogue root");
        var current = certificate.Certificate.Thumbprint;

        var refused = Assert.Throws<InvalidOperationException>(() => certificate.Replace(Issue(rogue, Workload), Copy(_root)));

        Assert.Contains("does not chain to the internal root", refused.Message, StringComparison.Ordinal);
        Assert.Equal(current, certificate.Certificate.Thumbprint);
    }

    [Fact]
    public void TheIdentityIsTheOneSpiffeUriOfTheCertificate()
    {
        using var leaf = Issue(_root, Workload);
        using var twoIds = Issue(_root, Workload, "spiffe://secureflow.localhost/ns/secureflow/sa/orders");

        Assert.Equal(Workload, ServiceCertificateIdentity.Of(leaf));
        Assert.Null(ServiceCertificateIdentity.Of(twoIds));
    }

    public void Dispose() => _root.Dispose();

    private ServiceCertificate Create(X509Certificate2 certificate) =>
        new(new FixedSource(certificate, Copy(_root)), Options.Create(new MutualTlsOptions { SpiffeId = Workload }));

    private static X509Certificate2 Copy(X509Certificate2 root) => X509CertificateLoader.LoadCertificate(root.RawData);

    private static X509Certificate2 CreateRoot(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"O=SecureFlow, CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, critical: true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private static X509Certificate2 Issue(X509Certificate2 root, params string[] ids)
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

    private sealed class FixedSource(X509Certificate2 certificate, X509Certificate2 root) : IServiceCertificateSource
    {
        public (X509Certificate2 Certificate, X509Certificate2 Root) Load() => (certificate, root);
    }
}
