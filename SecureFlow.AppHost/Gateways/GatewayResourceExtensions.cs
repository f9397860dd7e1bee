using SecureFlow.AppHost.Configuration;
using SecureFlow.AppHost.Gateways;
using SecureFlow.Contracts.Gateways;
using SecureFlow.Contracts.Management;

namespace Aspire.Hosting;

public static class GatewayResourceExtensions
{
    /// <summary>
    /// Sets the TLS policy of the gateway's listener (default <see cref="TlsPolicy.Baseline"/>).
    /// <code>
    /// builder.AddApplicationGateway("edge").WithTlsPolicy(TlsPolicy.Baseline);
    /// </code>
    /// </summary>
    public static IResourceBuilder<T> WithTlsPolicy<T>(this IResourceBuilder<T> builder, TlsPolicy policy) where T : GatewayResource
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(policy);

        // Refused now, with the gateway's own message, rather than when the gateway starts.
        policy.ToOptions();
        builder.Resource.TlsPolicy = policy;
        return builder;
    }

    /// <summary>
    /// Whether the gateway's listener speaks HTTP/2 to clients besides HTTP/1.1 (default on): the local gateway's ALPN
    /// and, at the edge, Application Gateway's <c>enableHttp2</c>.
    /// <code>
    /// builder.AddApplicationGateway("edge").WithHttp2(false);
    /// </code>
    /// </summary>
    public static IResourceBuilder<T> WithHttp2<T>(this IResourceBuilder<T> builder, bool enabled = true) where T : GatewayResource
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Resource.Http2 = enabled;
        return builder;
    }

    /// <summary>
    /// Serves <paramref name="certificate"/> to handshakes whose SNI name it covers. A gateway has no default
    /// certificate: a handshake for any other name is refused.
    /// <code>
    /// builder.AddIngressController("ingress").WithCertificate(ingressCert);
    /// </code>
    /// </summary>
    public static IResourceBuilder<T> WithCertificate<T>(this IResourceBuilder<T> builder, IResourceBuilder<CertificateResource> certificate)
        where T : GatewayResource
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(certificate);

        builder.WithAnnotation(new GatewayCertificateAnnotation(certificate.Resource)).WithRelationship(certificate.Resource, "Certificate");
        if (certificate.Resource.Vault is not { } vault)
        {
            return builder;
        }

        // The gateway's own identity may read this certificate (with its key) and nothing else of it.
        vault.Grant(builder.Resource.Name, KeyVaultRole.CertificateUser, certificate.Resource.Name);
        return builder.WaitFor(builder.ApplicationBuilder.CreateResourceBuilder(vault));
    }

    /// <summary>Creates a gateway process: SecureFlow.Gateway with a TLS listener, a management listener and the model's configuration.</summary>
    internal static IResourceBuilder<T> AddGateway<T>(this IDistributedApplicationBuilder builder, T gateway, int? httpsPort) where T : GatewayResource
    {
        if (builder.ExecutionContext.IsRunMode)
        {
            GatewayDashboardProperties.Subscribe(builder, gateway, url => WithPublicHost(url, gateway));
        }

#pragma warning disable ASPIREPROJECTS001 // WithProjectDefaults is how a ProjectResource subclass gets the defaults AddProject gives.
        return builder.AddResource(gateway)
            .WithAnnotation(new Projects.SecureFlow_Gateway())
            .WithProjectDefaults(new ProjectResourceOptions { ExcludeKestrelEndpoints = true })
#pragma warning restore ASPIREPROJECTS001
            // Not behind DCP's endpoint proxy: each hop dials the next hop's own listener, as in the cluster (a proxy in
            // between was one more TCP hop, and its CPU, on every request).
            .WithHttpsEndpoint(port: httpsPort, name: GatewayResource.HttpsEndpointName, env: ServiceConfiguration.Key<GatewayOptions>(options => options.Https.Port), isProxied: false)
            .WithHttpEndpoint(name: GatewayResource.ManagementEndpointName, env: ServiceConfiguration.Key<ManagementOptions>(options => options.Port))
            .WithEndpointsInEnvironment(_ => false)
            .WithStartupHealthCheck("/health", GatewayResource.ManagementEndpointName)
            .WithUrlForEndpoint(GatewayResource.ManagementEndpointName, url => url.DisplayLocation = UrlDisplayLocation.DetailsOnly)
            .WithUrlForEndpoint(GatewayResource.HttpsEndpointName, url => url.Url = WithPublicHost(url.Url, gateway))
            .WithEnvironment(context =>
            {
                // Run mode: vault certificates come from the vault, others from the files the development CA wrote.
                // Publish mode writes the gateway's configuration into its Deployment instead (CSI-mounted files).
                if (context.ExecutionContext.IsRunMode)
                {
                    GatewayConfiguration.Write(
                        gateway, context.EnvironmentVariables, certificate => certificate.Vault is null ? certificate.RequireFiles() : null, host => host, UpstreamHop.Local);
                }
            });
    }

    /// <summary>
    /// The listener refuses SNI <c>localhost</c>: the dashboard links to the host name the gateway serves instead.
    /// </summary>
    private static string WithPublicHost(string url, GatewayResource gateway)
    {
        var host = gateway.Routes.SelectMany(route => route.MatchHosts).FirstOrDefault(name => !name.StartsWith("*.", StringComparison.Ordinal));
        return host is null ? url : new UriBuilder(url) { Host = host }.Uri.ToString();
    }
}
