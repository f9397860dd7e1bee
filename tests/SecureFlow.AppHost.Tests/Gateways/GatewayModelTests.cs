using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using SecureFlow.AppHost.Tests.Infrastructure;

namespace SecureFlow.AppHost.Tests.Gateways;

/// <summary>The model refuses what cannot work, and hands each gateway exactly what the model says.</summary>
public sealed class GatewayModelTests
{
    [Fact]
    public void BackendHostMustBeCoveredByTheIngressCertificate()
    {
        var builder = DistributedApplication.CreateBuilder();
        var vault = builder.AddKeyVault("vault");
        var ingress = builder.AddIngressController("ingress").WithCertificate(vault.AddCertificate("ingress-tls", "*.aks-ingress.secureflow.localhost"));
        var edge = builder.AddApplicationGateway("edge").WithCertificate(vault.AddCertificate("edge-tls", "delta.secureflow.localhost"));

        var failure = Assert.Throws<InvalidOperationException>(() => edge.WithBackend(ingress, "workload.elsewhere.secureflow.localhost"));

        Assert.Contains("no certificate of 'ingress' covers", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RouteHostMustBeCoveredByTheIngressCertificate()
    {
        var builder = DistributedApplication.CreateBuilder();
        var vault = builder.AddKeyVault("vault");
        var workload = builder.AddProject<Projects.SecureFlow_Workload>("workload");
        var ingress = builder.AddIngressController("ingress").WithCertificate(vault.AddCertificate("ingress-tls", "*.aks-ingress.secureflow.localhost"));

        Assert.Throws<InvalidOperationException>(() => ingress.WithRoute("a.b.aks-ingress.secureflow.localhost", workload));
    }

    [Theory]
    [InlineData("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_TYPO")]
    [InlineData("TLS_AES_128_GCM_SHA256")]
    [InlineData("ECDHE-RSA-AES128-GCM-SHA256")]
    public void TlsPolicyRejectsWhatIsNotATls12CipherSuiteIanaName(string name)
    {
        var builder = DistributedApplication.CreateBuilder();
        var vault = builder.AddKeyVault("vault");
        var edge = builder.AddApplicationGateway("edge");

        var failure = Assert.Throws<ArgumentException>(() => edge.WithTlsPolicy(TlsPolicy.Baseline with { CipherSuites = [name] }));

        Assert.Contains(name, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EdgeConfigurationComesFromTheModel()
    {
        var builder = DistributedApplication.CreateBuilder();
        var vault = builder.AddKeyVault("vault");
        var workload = builder.AddProject<Projects.SecureFlow_Workload>("workload");
        var ingressCert = vault.AddCertificate("ingress-tls", "*.aks-ingress.secureflow.localhost");
        var edgeCert = vault.AddCertificate("edge-tls", "delta.secureflow.localhost");
        var ingress = builder.AddIngressController("ingress").WithCertificate(ingressCert).WithRoute("workload.aks-ingress.secureflow.localhost", workload);
        var policy = new TlsPolicy(TlsProtocolVersion.Tls12, ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"]);
        var edge = builder.AddApplicationGateway("edge").WithTlsPolicy(policy).WithCertificate(edgeCert).WithBackend(ingress, "workload.aks-ingress.secureflow.localhost");
        vault.Resource.TlsCertificate!.Files = new("/certs/vault.crt", "/certs/vault.key", "/ca/root.crt");

        var environment = await RunModeEnvironment.OfAsync(builder, edge.Resource);

        Assert.Equal("edge", environment["Gateway__Name"]);
        Assert.Equal("True", environment["Gateway__Hsts"]);
        Assert.Equal("False", environment["Gateway__TrustUpstreamHops"]);
        Assert.Equal("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", environment["Tls__CipherSuites__0"]);
        Assert.DoesNotContain("Tls__CipherSuites__1", environment.Keys);
        Assert.Equal("True", environment["Gateway__Certificates__edge-tls__FromKeyVault"]);
        Assert.DoesNotContain("Gateway__Certificates__edge-tls__CertificatePath", environment.Keys);
        Assert.Equal("edge", environment["Identity__Name"]);
        Assert.Equal("https://localhost:20000/", environment["KeyVault__Uri"]);
        Assert.Equal("/ca/root.crt", environment["KeyVault__TrustedRootPath"]);
        Assert.Equal("delta.secureflow.localhost", environment["ReverseProxy__Routes__ingress__Match__Hosts__0"]);
        Assert.Equal("https://ingress", environment["ReverseProxy__Clusters__ingress__Destinations__ingress__Address"]);
        Assert.Equal("workload.aks-ingress.secureflow.localhost", environment["ReverseProxy__Clusters__ingress__Destinations__ingress__Host"]);
        Assert.Equal("ingress-tls-root", environment["ReverseProxy__Clusters__ingress__Metadata__TrustedRootSecretName"]);
        Assert.Equal("8443", environment["Gateway__Https__Port"]);
    }

    [Fact]
    public async Task IngressKeepsTheEdgesHopRecordsAndRoutesToTheWorkloadOverHttp()
    {
        var builder = DistributedApplication.CreateBuilder();
        var vault = builder.AddKeyVault("vault");
        var workload = builder.AddProject<Projects.SecureFlow_Workload>("workload");
        var ingressCert = vault.AddCertificate("ingress-tls", "*.aks-ingress.secureflow.localhost");
        var ingress = builder.AddIngressController("ingress").WithCertificate(ingressCert).WithRoute("workload.aks-ingress.secureflow.localhost", workload);
        vault.Resource.TlsCertificate!.Files = new("/certs/vault.crt", "/certs/vault.key", "/ca/root.crt");

        var environment = await RunModeEnvironment.OfAsync(builder, ingress.Resource);

        Assert.Equal("False", environment["Gateway__Hsts"]);
        Assert.Equal("True", environment["Gateway__TrustUpstreamHops"]);
        Assert.Equal("workload.aks-ingress.secureflow.localhost", environment["ReverseProxy__Routes__workload__Match__Hosts__0"]);
        Assert.Equal("http://workload", environment["ReverseProxy__Clusters__workload__Destinations__workload__Address"]);
        Assert.DoesNotContain("ReverseProxy__Clusters__workload__Metadata__TrustedRootCertificatePath", environment.Keys);
        Assert.DoesNotContain("ReverseProxy__Clusters__workload__Metadata__TrustedRootSecretName", environment.Keys);
    }
}
