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

    private readonly X509Certificate2 _root = TestIdentities.CreateRoot("SecureFlow test root");

    [Fact]
    public void ANewVersionOfTheSameIdentityFromTheRootIsTakenForNewConnections()
    {
        using var certificate = Create(TestIdentities.Issue(_root, Workload));
        var next = TestIdentities.Issue(_root, Workload);
        var thumbprint = next.Thumbprint;

        Assert.True(certificate.Replace(next, TestIdentities.Copy(_root)));

        Assert.Equal(thumbprint, certificate.Certificate.Thumbprint);
    }

    [Fact]
    public void ACertificateOfAnotherIdentityIsRefusedAndTheCurrentOneStays()
    {
        using var certificate = Create(TestIdentities.Issue(_root, Workload));
        var current = certificate.Certificate.Thumbprint;

        var refused = Assert.Throws<InvalidOperationException>(() => certificate.Replace(TestIdentities.Issue(_root, "spiffe://secureflow.localhost/ns/secureflow/sa/orders"), TestIdentities.Copy(_root)));

        Assert.Contains("not this service's", refused.Message, StringComparison.Ordinal);
        Assert.Equal(current, certificate.Certificate.Thumbprint);
    }

    [Fact]
    public void ACertificateFromAnotherRootIsRefusedAndTheCurrentOneStays()
    {
        using var certificate = Create(TestIdentities.Issue(_root, Workload));
        using var rogue = TestIdentities.CreateRoot("Rogue root");
        var current = certificate.Certificate.Thumbprint;

        var refused = Assert.Throws<InvalidOperationException>(() => certificate.Replace(TestIdentities.Issue(rogue, Workload), TestIdentities.Copy(_root)));

        Assert.Contains("does not chain to the internal root", refused.Message, StringComparison.Ordinal);
        Assert.Equal(current, certificate.Certificate.Thumbprint);
    }

    [Fact]
    public void TheIdentityIsTheOneSpiffeUriOfTheCertificate()
    {
        using var leaf = TestIdentities.Issue(_root, Workload);
        using var twoIds = TestIdentities.Issue(_root, Workload, "spiffe://secureflow.localhost/ns/secureflow/sa/orders");

        Assert.Equal(Workload, ServiceCertificateIdentity.Of(leaf));
        Assert.Null(ServiceCertificateIdentity.Of(twoIds));
    }

    public void Dispose() => _root.Dispose();

    private ServiceCertificate Create(X509Certificate2 certificate) =>
        new(new FixedSource(certificate, TestIdentities.Copy(_root)), Options.Create(new MutualTlsOptions { SpiffeId = Workload }));

    internal sealed class FixedSource(X509Certificate2 certificate, X509Certificate2 root) : IServiceCertificateSource
    {
        public (X509Certificate2 Certificate, X509Certificate2 Root) Load() => (certificate, root);
    }
}
