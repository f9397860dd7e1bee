using System.Globalization;
using SecureFlow.ServiceDefaults.Tls;

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

        policy.ToOptions();
        builder.Resource.TlsPolicy = policy;
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

        builder.Resource.Certificates.Add(certificate.Resource);
        builder.WithRelationship(certificate.Resource, "Certificate");
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
#pragma warning disable ASPIREPROJECTS001 // WithProjectDefaults is how a ProjectResource subclass gets the defaults AddProject gives.
        return builder.AddResource(gateway)
            .WithAnnotation(new Projects.SecureFlow_Gateway())
            .WithProjectDefaults(new ProjectResourceOptions { ExcludeKestrelEndpoints = true })
#pragma warning restore ASPIREPROJECTS001
            .WithHttpsEndpoint(port: httpsPort, name: GatewayResource.HttpsEndpointName, env: "Gateway__Https__Port", isProxied: httpsPort is null)
            .WithHttpEndpoint(name: GatewayResource.ManagementEndpointName, env: "Management__Port")
            .WithEndpointsInEnvironment(_ => false)
            .WithHttpHealthCheck("/health", endpointName: GatewayResource.ManagementEndpointName)
            .WithUrlForEndpoint(GatewayResource.ManagementEndpointName, url => url.DisplayLocation = UrlDisplayLocation.DetailsOnly)
            .WithUrlForEndpoint(GatewayResource.HttpsEndpointName, url => url.Url = WithPublicHost(url.Url, gateway))
            .WithEnvironment(context => WriteConfiguration(gateway, context.EnvironmentVariables));
    }

    /// <summary>
    /// The listener refuses SNI <c>localhost</c>: the dashboard links to the host name the gateway serves instead.
    /// </summary>
    private static string WithPublicHost(string url, GatewayResource gateway)
    {
        var host = gateway.Routes.SelectMany(route => route.MatchHosts).FirstOrDefault(name => !name.StartsWith("*.", StringComparison.Ordinal));
        return host is null ? url : new UriBuilder(url) { Host = host }.Uri.ToString();
    }

    /// <summary>The model, projected into the configuration the gateway reads (sections Gateway, Tls and ReverseProxy).</summary>
    private static void WriteConfiguration(GatewayResource gateway, Dictionary<string, object> environment)
    {
        environment["Gateway__Name"] = gateway.Name;
        environment["Gateway__Hsts"] = gateway.SendsHsts.ToString();
        environment["Gateway__TrustUpstreamHops"] = gateway.TrustsUpstreamHops.ToString();

        var tls = gateway.TlsPolicy.ToOptions();
        environment[$"{TlsPolicyOptions.SectionName}__MinimumProtocol"] = tls.MinimumProtocol;
        for (var i = 0; i < tls.CipherSuites.Count; i++)
        {
            environment[Key(TlsPolicyOptions.SectionName, "CipherSuites", i)] = tls.CipherSuites[i];
        }

        foreach (var certificate in gateway.Certificates)
        {
            if (certificate.Vault is { } vault)
            {
                environment[$"Gateway__Certificates__{certificate.Name}__FromKeyVault"] = bool.TrueString;
                environment["Gateway__CertificateRefreshInterval"] = vault.CertificateRefreshInterval.ToString("c", CultureInfo.InvariantCulture);
                KeyVaultResourceExtensions.WriteClientConfiguration(vault, gateway.Name, environment);
            }
            else
            {
                var files = certificate.RequireFiles();
                environment[$"Gateway__Certificates__{certificate.Name}__CertificatePath"] = files.CertificatePath;
                environment[$"Gateway__Certificates__{certificate.Name}__KeyPath"] = files.KeyPath;
            }
        }

        foreach (var route in gateway.Routes)
        {
            var routeKey = $"ReverseProxy__Routes__{route.Name}";
            environment[$"{routeKey}__ClusterId"] = route.Name;
            environment[$"{routeKey}__Match__Path"] = "{**catch-all}";
            for (var i = 0; i < route.MatchHosts.Count; i++)
            {
                environment[Key(routeKey, "Match__Hosts", i)] = route.MatchHosts[i];
            }

            var clusterKey = $"ReverseProxy__Clusters__{route.Name}";
            var destinationKey = $"{clusterKey}__Destinations__{route.Destination.Name}";

            // Resolved by service discovery from the destination's endpoint of that scheme.
            environment[$"{destinationKey}__Address"] = $"{route.Scheme}://{route.Destination.Name}";
            if (route.DestinationHost is { } host)
            {
                environment[$"{destinationKey}__Host"] = host;
            }

            if (route.DestinationCertificate is { Vault: not null } vaultCertificate)
            {
                environment[$"{clusterKey}__Metadata__TrustedRootSecretName"] = vaultCertificate.TrustRootSecretName;
            }
            else if (route.DestinationCertificate is { } certificate)
            {
                environment[$"{clusterKey}__Metadata__TrustedRootCertificatePath"] = certificate.RequireFiles().IssuerCertificatePath;
            }
        }
    }

    private static string Key(string prefix, string name, int index) => string.Create(CultureInfo.InvariantCulture, $"{prefix}__{name}__{index}");
}
