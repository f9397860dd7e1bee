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
        var policy = new TlsPolicy(TlsProtocolVersion.Tls12, ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"]);
        var edge = AddChain(builder).WithTlsPolicy(policy);

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
        Assert.DoesNotContain(environment.Keys, key => key.StartsWith("Waf__", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EdgeWafPolicyIsHandedToTheEdgeAsConfiguration()
    {
        var builder = DistributedApplication.CreateBuilder();
        var edge = AddChain(builder).WithWaf(new WafPolicy(WafMode.Detection)
            {
                ParanoiaLevel = 2,
                AnomalyThreshold = 10,
                RequestBodyLimitInKb = 64,
                DisabledRuleIds = [920350],
                Exclusions = [new(WafMatchVariable.RequestCookieNames, WafSelectorMatchOperator.StartsWith, "session", [942100, 942200])],
            });

        var environment = await RunModeEnvironment.OfAsync(builder, edge.Resource);

        Assert.Equal("Detection", environment["Waf__Mode"]);
        Assert.Equal("2", environment["Waf__ParanoiaLevel"]);
        Assert.Equal("10", environment["Waf__AnomalyThreshold"]);
        Assert.Equal("65536", environment["Waf__RequestBodyLimit"]);
        Assert.Equal("920350", environment["Waf__DisabledRuleIds__0"]);
        Assert.Equal("RequestCookieNames", environment["Waf__Exclusions__0__MatchVariable"]);
        Assert.Equal("StartsWith", environment["Waf__Exclusions__0__SelectorMatchOperator"]);
        Assert.Equal("session", environment["Waf__Exclusions__0__Selector"]);
        Assert.Equal("942200", environment["Waf__Exclusions__0__RuleIds__1"]);
    }

    [Theory]
    [InlineData(0, 5, 128)]
    [InlineData(5, 5, 128)]
    [InlineData(1, 0, 128)]
    [InlineData(1, 5, 4)]
    public void WafPolicyRejectsValuesAzureDoesNotAccept(int paranoiaLevel, int anomalyThreshold, int bodyLimitInKb)
    {
        var edge = DistributedApplication.CreateBuilder().AddApplicationGateway("edge");
        var policy = new WafPolicy(WafMode.Prevention) { ParanoiaLevel = paranoiaLevel, AnomalyThreshold = anomalyThreshold, RequestBodyLimitInKb = bodyLimitInKb };

        Assert.Throws<ArgumentException>(() => edge.WithWaf(policy));
    }

    /// <summary>The chain of the AppHost: edge -> ingress -> workload, its certificates in the vault.</summary>
    private static IResourceBuilder<ApplicationGatewayResource> AddChain(IDistributedApplicationBuilder builder)
    {
        var vault = builder.AddKeyVault("vault");
        var workload = builder.AddProject<Projects.SecureFlow_Workload>("workload");
        var ingressCert = vault.AddCertificate("ingress-tls", "*.aks-ingress.secureflow.localhost");
        var edgeCert = vault.AddCertificate("edge-tls", "delta.secureflow.localhost");
        var ingress = builder.AddIngressController("ingress").WithCertificate(ingressCert).WithRoute("workload.aks-ingress.secureflow.localhost", workload);
        vault.Resource.TlsCertificate!.Files = new("/certs/vault.crt", "/certs/vault.key", "/ca/root.crt");
        return builder.AddApplicationGateway("edge").WithCertificate(edgeCert).WithBackend(ingress, "workload.aks-ingress.secureflow.localhost");
    }
}
