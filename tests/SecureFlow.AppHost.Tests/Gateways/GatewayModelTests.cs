using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using System.Net.Security;
using SecureFlow.AppHost.Tests.Infrastructure;
using SecureFlow.Contracts.Gateways;
using SecureFlow.Contracts.Identity;

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
    [InlineData(TlsCipherSuite.TLS_AES_128_GCM_SHA256)]
    [InlineData((TlsCipherSuite)12345)]
    public void TlsPolicyRejectsWhatIsNotATls12CipherSuiteWithTheGatewaysOwnMessage(TlsCipherSuite suite)
    {
        var edge = DistributedApplication.CreateBuilder().AddApplicationGateway("edge");

        var failure = Assert.Throws<ArgumentException>(() => edge.WithTlsPolicy(TlsPolicy.Baseline with { Tls12CipherSuites = [suite] }));

        var expected = TlsPolicyOptionsValidator.Instance.Validate(null, new TlsPolicyOptions { Tls12CipherSuites = [suite], Tls13CipherSuites = [TlsCipherSuite.TLS_AES_128_GCM_SHA256] });
        Assert.StartsWith(expected.FailureMessage, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TlsPolicyWithoutTls13SuitesIsRefusedBeforeAnyGatewayStarts()
    {
        var edge = DistributedApplication.CreateBuilder().AddApplicationGateway("edge");

        var failure = Assert.Throws<ArgumentException>(() => edge.WithTlsPolicy(TlsPolicy.Baseline with { Tls13CipherSuites = [] }));

        Assert.Contains("at least one TLS 1.3 cipher suite", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EdgeConfigurationComesFromTheModel()
    {
        var builder = DistributedApplication.CreateBuilder();
        var policy = new TlsPolicy(TlsProtocolVersion.Tls12, [TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384]);
        var edge = AddChain(builder).WithTlsPolicy(policy);

        var environment = await RunModeEnvironment.OfAsync(builder, edge.Resource);

        var gateway = RunModeEnvironment.Bind<GatewayOptions>(environment);
        Assert.Equal("edge", gateway.Name);
        Assert.Equal(TimeSpan.FromDays(365), gateway.HstsMaxAge);
        Assert.Empty(gateway.TrustedUpstreamNetworks);
        Assert.Empty(gateway.TrustedUpstreamHeaders);
        Assert.Equal(ClientIdentityHeaders.All, gateway.ClientIdentityHeaders);
        Assert.Equal(8443, gateway.Https.Port);
        Assert.True(gateway.Certificates["edge-tls"].FromKeyVault);
        Assert.Empty(gateway.Certificates["edge-tls"].CertificatePath);
        var route = Assert.Single(gateway.Routes);
        Assert.Equal("ingress", route.Key);
        Assert.Equal(["delta.secureflow.localhost"], route.Value.Hosts);
        Assert.Equal("https://ingress", route.Value.Destination);
        Assert.Equal("workload.aks-ingress.secureflow.localhost", route.Value.DestinationHost);
        Assert.Equal("ingress-tls-root", route.Value.TrustedRootSecretName);
        Assert.True(GatewayOptionsValidator.Instance.Validate(null, gateway).Succeeded);

        var tls = RunModeEnvironment.Bind<TlsPolicyOptions>(environment);
        Assert.Equal([TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384], tls.Tls12CipherSuites);
        Assert.Equal(policy.Tls13CipherSuites, tls.Tls13CipherSuites);

        Assert.Equal("edge", RunModeEnvironment.Bind<ServiceIdentityOptions>(environment).Name);
        var vault = RunModeEnvironment.Bind<KeyVaultConnectionOptions>(environment);
        Assert.Equal(new Uri("https://localhost:20000/"), vault.Uri);
        Assert.Equal("/ca/root.crt", vault.TrustedRootPath);
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

        var gateway = RunModeEnvironment.Bind<GatewayOptions>(environment);
        Assert.Null(gateway.HstsMaxAge);

        // No edge in front of this ingress: it trusts nobody's forwarding headers.
        Assert.Empty(gateway.TrustedUpstreamNetworks);
        Assert.Equal(ClientIdentityHeaders.All, gateway.ClientIdentityHeaders);
        var route = gateway.Routes["workload"];
        Assert.Equal(["workload.aks-ingress.secureflow.localhost"], route.Hosts);
        Assert.Equal("http://workload", route.Destination);
        Assert.Null(route.TrustedRootCertificatePath);
        Assert.Null(route.TrustedRootSecretName);
        Assert.Equal(WafMode.Off, RunModeEnvironment.Bind<WafOptions>(environment).Mode);
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

        var waf = RunModeEnvironment.Bind<WafOptions>(environment);
        Assert.Equal(WafMode.Detection, waf.Mode);
        Assert.Equal(2, waf.ParanoiaLevel);
        Assert.Equal(10, waf.AnomalyThreshold);
        Assert.Equal(64, waf.RequestBodyLimitInKb);
        Assert.Equal([920350], waf.DisabledRuleIds);
        var exclusion = Assert.Single(waf.Exclusions);
        Assert.Equal(WafMatchVariable.RequestCookieNames, exclusion.MatchVariable);
        Assert.Equal(WafSelectorMatchOperator.StartsWith, exclusion.SelectorMatchOperator);
        Assert.Equal("session", exclusion.Selector);
        Assert.Equal([942100, 942200], exclusion.RuleIds);

        // The machine's engine and rule paths are the gateway's own defaults: the model never writes them.
        Assert.Equal(new WafOptions().EnginePath, waf.EnginePath);
    }

    [Theory]
    [InlineData(0, 5, 128)]
    [InlineData(5, 5, 128)]
    [InlineData(1, 0, 128)]
    [InlineData(1, 5, 4)]
    public void WafPolicyRejectsValuesAzureDoesNotAcceptWithTheGatewaysOwnMessage(int paranoiaLevel, int anomalyThreshold, int bodyLimitInKb)
    {
        var edge = DistributedApplication.CreateBuilder().AddApplicationGateway("edge");
        var policy = new WafPolicy(WafMode.Prevention) { ParanoiaLevel = paranoiaLevel, AnomalyThreshold = anomalyThreshold, RequestBodyLimitInKb = bodyLimitInKb };

        var failure = Assert.Throws<ArgumentException>(() => edge.WithWaf(policy));

        var expected = WafOptionsValidator.Instance.Validate(null, new WafOptions { ParanoiaLevel = paranoiaLevel, AnomalyThreshold = anomalyThreshold, RequestBodyLimitInKb = bodyLimitInKb });
        Assert.StartsWith(expected.FailureMessage, failure.Message, StringComparison.Ordinal);
    }

    /// <summary>The chain of the AppHost: edge -> ingress -> workload, its certificates in the vault.</summary>
    [Fact]
    public async Task IngressBehindTheEdgeTrustsTheHeadersTheLocalEdgeSetsFromLoopbackOnly()
    {
        var builder = DistributedApplication.CreateBuilder();
        var edge = AddChain(builder);
        var ingress = builder.Resources.OfType<IngressControllerResource>().Single();

        var gateway = RunModeEnvironment.Bind<GatewayOptions>(await RunModeEnvironment.OfAsync(builder, ingress));

        Assert.Same(edge.Resource, ingress.TrustedUpstream);
        Assert.Equal(["127.0.0.0/8", "::1/128"], gateway.TrustedUpstreamNetworks);
        Assert.Equal(HopHeaders.SetByGateway, gateway.TrustedUpstreamHeaders);
        Assert.Equal(ClientIdentityHeaders.All, gateway.ClientIdentityHeaders);
    }

    [Fact]
    public void TheEdgeStartsBesideTheIngressAfterTheVaultAndIsHealthyOnlyWhileTheIngressIs()
    {
        var builder = DistributedApplication.CreateBuilder();
        var edge = AddChain(builder);

        var waits = edge.Resource.Annotations.OfType<WaitAnnotation>().Select(wait => wait.Resource.Name);
        var checks = edge.Resource.Annotations.OfType<HealthCheckAnnotation>().Select(check => check.Key);

        Assert.Equal(["vault"], waits);
        Assert.Contains("edge_backend_ingress", checks);
        Assert.Contains(edge.Resource.Annotations.OfType<ResourceRelationshipAnnotation>(), relationship => relationship.Resource.Name == "ingress" && relationship.Type == "Backend");
    }

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
