namespace Aspire.Hosting;

public static class IngressControllerResourceExtensions
{
    /// <summary>
    /// Adds the in-cluster ingress: SecureFlow.Gateway as a Deployment behind an internal load balancer in AKS, a
    /// local process in run mode.
    /// <code>
    /// builder.AddIngressController("ingress").WithCertificate(ingressCert).WithRoute("workload.aks-ingress.secureflow.localhost", workload);
    /// </code>
    /// </summary>
    public static IResourceBuilder<IngressControllerResource> AddIngressController(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddGateway(new IngressControllerResource(name), httpsPort: null);
    }

    /// <summary>
    /// Routes requests for <paramref name="host"/> to <paramref name="service"/> over HTTP inside the cluster, as the
    /// AKS baseline's ingress does. A certificate of the ingress must cover the host.
    /// </summary>
    public static IResourceBuilder<IngressControllerResource> WithRoute(
        this IResourceBuilder<IngressControllerResource> builder, string host, IResourceBuilder<IResourceWithServiceDiscovery> service)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentNullException.ThrowIfNull(service);

        if (!builder.Resource.Certificates.Any(certificate => certificate.Covers(host)))
        {
            throw new InvalidOperationException(
                $"'{builder.Resource.Name}' routes '{host}', but none of its certificates covers that name: call WithCertificate first.");
        }

        return builder
            .WithAnnotation(new GatewayRoute(service.Resource.Name, [host], service.Resource, "http"))
            .WithReference(service)
            .WaitFor(service);
    }
}
