using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace SecureFlow.AppHost.Tests.Gateways;

/// <summary>The model refuses what cannot work, and hands each gateway exactly what the model says.</summary>
public sealed class GatewayModelTests
{
    [Fact]
    public void BackendHostMustBeCoveredByTheIngressCertificate()
    {
        var builder = DistributedApplication.CreateBuilder();
        var ingress = builder.AddIngressController("ingress").WithCertificate(builder.AddCertificate("ingress-tls", "*.aks-ingress.secureflow.localhost"));
        var edge = builder.AddApplicationGateway("edge").WithCertificate(builder.AddCertificate("edge-tls", "delta.secureflow.localhost"));

        var failure = Assert.Throws<InvalidOperationException>(() => edge.WithBackend(ingress, "workload.elsewhere.secureflow.localhost"));

        Assert.Contains("no certificate of 'ingress' covers", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RouteHostMustBeCoveredByTheIngressCertificate()
    {
        var builder = DistributedApplication.CreateBuilder();
        var workload = builder.AddProject<Projects.SecureFlow_Workload>("workload");
        var ingress = builder.AddIngressController("ingress").WithCertificate(builder.AddCertificate("ingress-tls", "*.aks-ingress.secureflow.localhost"));

        Assert.Throws<InvalidOperationException>(() => ingress.WithRoute("a.b.aks-ingress.secureflow.localhost", workload));
    }

    [Theory]
    [InlineData("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_TYPO")]
    [InlineData("TLS_AES_128_GCM_SHA256")]
    [InlineData("ECDHE-RSA-AES128-GCM-SHA256")]
    public void TlsPolicyRejectsWhatIsNotATls12CipherSuiteIanaName(string name)
    {
        var builder = DistributedApplication.CreateBuilder();
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

        var environment = await EnvironmentOfAsync(builder, edge.Resource);

        Assert.Equal("edge", environment["Gateway__Name"]);
        Assert.Equal("True", environment["Gateway__Hsts"]);
        Assert.Equal("False", environment["Gateway__TrustUpstreamHops"]);
        Assert.Equal("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", environment["Tls__CipherSuites__0"]);
        Assert.DoesNotContain("Tls__CipherSuites__1", environment.Keys);
        Assert.Equal("/certs/edge.crt", environment["Gateway__Certificates__edge-tls__CertificatePath"]);
        Assert.Equal("delta.secureflow.localhost", environment["ReverseProxy__Routes__ingress__Match__Hosts__0"]);
        Assert.Equal("https://ingress", environment["ReverseProxy__Clusters__ingress__Destinations__ingress__Address"]);
        Assert.Equal("workload.aks-ingress.secureflow.localhost", environment["ReverseProxy__Clusters__ingress__Destinations__ingress__Host"]);
        Assert.Equal("/ca/root.crt", environment["ReverseProxy__Clusters__ingress__Metadata__TrustedRootCertificatePath"]);
        Assert.Equal("8443", environment["Gateway__Https__Port"]);
    }

    [Fact]
    public async Task IngressKeepsTheEdgesHopRecordsAndRoutesToTheWorkloadOverHttp()
    {
        var builder = DistributedApplication.CreateBuilder();
        var workload = builder.AddProject<Projects.SecureFlow_Workload>("workload");
        var ingressCert = builder.AddCertificate("ingress-tls", "*.aks-ingress.secureflow.localhost");
        var ingress = builder.AddIngressController("ingress").WithCertificate(ingressCert).WithRoute("workload.aks-ingress.secureflow.localhost", workload);
        ingressCert.Resource.Files = new("/certs/ingress.crt", "/certs/ingress.key", "/ca/root.crt");

        var environment = await EnvironmentOfAsync(builder, ingress.Resource);

        Assert.Equal("False", environment["Gateway__Hsts"]);
        Assert.Equal("True", environment["Gateway__TrustUpstreamHops"]);
        Assert.Equal("workload.aks-ingress.secureflow.localhost", environment["ReverseProxy__Routes__workload__Match__Hosts__0"]);
        Assert.Equal("http://workload", environment["ReverseProxy__Clusters__workload__Destinations__workload__Address"]);
        Assert.DoesNotContain("ReverseProxy__Clusters__workload__Metadata__TrustedRootCertificatePath", environment.Keys);
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

        var environment = await EnvironmentOfAsync(builder, edge.Resource);

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

    /// <summary>The chain of the AppHost: edge -> ingress -> workload, with certificate files as the development CA writes them.</summary>
    private static IResourceBuilder<ApplicationGatewayResource> AddChain(IDistributedApplicationBuilder builder)
    {
        var workload = builder.AddProject<Projects.SecureFlow_Workload>("workload");
        var ingressCert = builder.AddCertificate("ingress-tls", "*.aks-ingress.secureflow.localhost");
        var edgeCert = builder.AddCertificate("edge-tls", "delta.secureflow.localhost");
        var ingress = builder.AddIngressController("ingress").WithCertificate(ingressCert).WithRoute("workload.aks-ingress.secureflow.localhost", workload);
        ingressCert.Resource.Files = new("/certs/ingress.crt", "/certs/ingress.key", "/ca/root.crt");
        edgeCert.Resource.Files = new("/certs/edge.crt", "/certs/edge.key", "/ca/root.crt");
        return builder.AddApplicationGateway("edge").WithCertificate(edgeCert).WithBackend(ingress, "workload.aks-ingress.secureflow.localhost");
    }

    /// <summary>The environment a resource would start with, as run mode computes it (endpoints given ports as DCP would).</summary>
    private static async Task<Dictionary<string, string>> EnvironmentOfAsync(IDistributedApplicationBuilder builder, IResource resource)
    {
        var port = 20000;
        foreach (var endpoint in builder.Resources.SelectMany(candidate => candidate.Annotations.OfType<EndpointAnnotation>()))
        {
            var allocated = endpoint.Port ?? port++;
            endpoint.AllocatedEndpoint = new AllocatedEndpoint(
                endpoint, "localhost", allocated, targetPortExpression: (endpoint.TargetPort ?? allocated).ToString(CultureInfo.InvariantCulture));
        }

        await using var app = builder.Build();
        var configuration = await ExecutionConfigurationBuilder.Create(resource)
            .WithEnvironmentVariablesConfig()
            .BuildAsync(app.Services.GetRequiredService<DistributedApplicationExecutionContext>(), cancellationToken: TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Null(configuration.Exception);
        return configuration.EnvironmentVariables.ToDictionary();
    }
}
