namespace Aspire.Hosting;

public static class ApplicationGatewayResourceExtensions
{
    /// <summary>
    /// Adds the public edge: Application Gateway in Azure; locally SecureFlow.Gateway listening on
    /// <paramref name="port"/> so that its URL stays the same across runs.
    /// <code>
    /// builder.AddApplicationGateway("edge").WithCertificate(edgeCert).WithBackend(ingress, "workload.aks-ingress.secureflow.localhost");
    /// </code>
    /// </summary>
    public static IResourceBuilder<ApplicationGatewayResource> AddApplicationGateway(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, int port = 8443)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddGateway(new ApplicationGatewayResource(name), port)
            .WithVerifyChainCommand();
    }

    /// <summary>
    /// Forwards every request for the edge's host names to <paramref name="ingress"/>, re-encrypted: the edge sends
    /// SNI and Host <paramref name="backendHost"/> and trusts only the root that issued the ingress's certificate
    /// (Application Gateway's backend host name and <c>trustedRootCertificates</c>).
    /// </summary>
    public static IResourceBuilder<ApplicationGatewayResource> WithBackend(
        this IResourceBuilder<ApplicationGatewayResource> builder, IResourceBuilder<IngressControllerResource> ingress, string backendHost)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(ingress);
        ArgumentException.ThrowIfNullOrWhiteSpace(backendHost);

        var certificate = ingress.Resource.Certificates.FirstOrDefault(certificate => certificate.Covers(backendHost))
            ?? throw new InvalidOperationException(
                $"'{builder.Resource.Name}' sends SNI '{backendHost}' to '{ingress.Resource.Name}', but no certificate of '{ingress.Resource.Name}' covers that name: call WithCertificate on it first.");

        var publicHosts = builder.Resource.Certificates.SelectMany(edgeCertificate => edgeCertificate.DnsNames).ToList();
        if (publicHosts.Count == 0)
        {
            throw new InvalidOperationException($"'{builder.Resource.Name}' has no certificate: call WithCertificate before WithBackend.");
        }

        builder.WithAnnotation(new GatewayRoute(ingress.Resource.Name, publicHosts, ingress.Resource, "https", backendHost, certificate));

        // The ingress keeps the forwarding headers this edge sets, from this edge only (Application Gateway's subnet).
        ingress.WithAnnotation(new TrustedUpstreamAnnotation(builder.Resource), ResourceAnnotationMutationBehavior.Replace);

        // Like Application Gateway's trustedRootCertificates: the edge reads the backend's root from the vault, and only that.
        certificate.Vault?.Grant(builder.Resource.Name, KeyVaultRole.SecretsUser, certificate.TrustRootSecretName);
        // The edge starts beside the ingress, not after it (each takes seconds to start), and reports healthy once the
        // ingress is too (Application Gateway's backend health): what waits for the edge finds a chain that serves.
        return builder
            .WithReference(ingress.Resource.HttpsEndpoint)
            .WithBackendHealthCheck(ingress);
    }
}
