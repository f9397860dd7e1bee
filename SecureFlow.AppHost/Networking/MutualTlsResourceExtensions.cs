using SecureFlow.AppHost.Certificates;
using SecureFlow.AppHost.Configuration;
using SecureFlow.AppHost.KeyVault;
using SecureFlow.AppHost.Networking;
using SecureFlow.Contracts;
using SecureFlow.Contracts.Management;
using SecureFlow.Contracts.MutualTls;

namespace Aspire.Hosting;

public static class MutualTlsResourceExtensions
{
    /// <summary>The endpoint of a service's mutual TLS listener.</summary>
    public const string MutualTlsEndpointName = "https";

    /// <summary>
    /// Gives the service its own identity for mutual TLS: a certificate in <paramref name="vault"/> (<c>NAME-mtls</c>,
    /// SPIFFE id <c>spiffe://secureflow.localhost/ns/secureflow/sa/NAME</c>), read with the service's own identity and
    /// renewed without a restart. A service (not a gateway) then listens for mutual TLS only, with
    /// <paramref name="policy"/> (default <see cref="TlsPolicy.Baseline"/>), and accepts exactly the callers the model's
    /// graph gives it; a caller presents its own certificate and checks the callee's identity.
    /// <code>
    /// builder.AddProject&lt;Projects.SecureFlow_Orders&gt;("orders").WithMutualTls(vault);
    /// </code>
    /// </summary>
    /// <param name="builder">The service.</param>
    /// <param name="vault">The vault that holds its certificate.</param>
    /// <param name="policy">The TLS policy of its mutual TLS hops.</param>
    /// <returns>The service's builder.</returns>
    public static IResourceBuilder<T> WithMutualTls<T>(this IResourceBuilder<T> builder, IResourceBuilder<KeyVaultResource> vault, TlsPolicy? policy = null)
        where T : ProjectResource
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(vault);
        if (ServiceGraph.IdentityOf(builder.Resource) is not null)
        {
            throw new InvalidOperationException($"'{builder.Resource.Name}' already has its mutual TLS identity.");
        }

        policy ??= TlsPolicy.Baseline;
        policy.ToOptions();
        var service = builder.Resource;
        // A host name under the trust domain too (the development CA's names): the identity is the SPIFFE id.
        var certificate = vault.AddCertificate($"{service.Name}-mtls", $"{service.Name}.{DevelopmentCertificateAuthority.SpiffeTrustDomain}");
        certificate.Resource.SpiffeId = ServiceGraph.SpiffeIdOf(service.Name);

        // Least privilege: the service reads its own certificate (with the key) and the root, nothing else of the vault.
        vault.Resource.Grant(service.Name, KeyVaultRole.CertificateUser, certificate.Resource.Name);
        vault.Resource.Grant(service.Name, KeyVaultRole.SecretsUser, certificate.Resource.TrustRootSecretName);
        builder.WithAnnotation(new ServiceIdentityAnnotation(certificate.Resource, policy))
            .WithRelationship(certificate.Resource, "Certificate")
            .WithRelationship(vault.Resource, "KeyVault CertificateUser")
            .WaitFor(vault);

        var listens = service is not GatewayResource;
        if (listens)
        {
            // Not behind DCP's endpoint proxy: callers reach the service's own mutual TLS listener, one TCP hop as in the cluster.
            builder.WithHttpsEndpoint(name: MutualTlsEndpointName, env: ServiceConfiguration.Key<MutualTlsOptions>(options => options.Port), isProxied: false);
        }

        return builder.WithEnvironment(context =>
        {
            if (!context.ExecutionContext.IsRunMode)
            {
                return;
            }

            var options = new MutualTlsOptions
            {
                SpiffeId = certificate.Resource.SpiffeId.ToString(),
                CertificateName = certificate.Resource.Name,
                TrustedRootSecretName = certificate.Resource.TrustRootSecretName,
                RefreshInterval = vault.Resource.CertificateRefreshInterval,
                AllowedCallers = listens ? [.. ServiceGraph.AllowedCallersOf(service, builder.ApplicationBuilder.Resources)] : [],
            };
            MutualTlsOptionsValidator.Instance.ThrowIfInvalid(options);

            // The port is allocated when the run starts (the listener's endpoint); health probes use the plain one.
            ServiceConfiguration.Write(context.EnvironmentVariables, options);
            ServiceConfiguration.Write(context.EnvironmentVariables, ServiceGraph.CallsOf(service));
            KeyVaultClientConfiguration.Write(vault.Resource, service.Name, context.EnvironmentVariables);

            // A gateway's TLS policy is its own (WithTlsPolicy); a service's is the one of its mutual TLS hops.
            if (listens)
            {
                ServiceConfiguration.Write(context.EnvironmentVariables, policy.ToOptions());
            }

            if (listens && service.Annotations.OfType<EndpointAnnotation>().Any(endpoint => endpoint.Name == "http"))
            {
                context.EnvironmentVariables[ServiceConfiguration.Key<ManagementOptions>(management => management.Port)] =
                    builder.GetEndpoint("http").Property(EndpointProperty.TargetPort);
            }
        });
    }
}
