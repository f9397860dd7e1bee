using System.Security.Cryptography.X509Certificates;
using Azure;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Options;
using SecureFlow.Contracts.ServiceGraph;
using SecureFlow.ServiceDefaults.MutualTls;
using SecureFlow.ServiceDefaults.Tls;
using Yarp.ReverseProxy.Forwarder;

namespace SecureFlow.Gateway.Forwarder;

/// <summary>
/// Re-encryption to the next hop trusts exactly the root the model names for that cluster, as Application Gateway's
/// <c>trustedRootCertificates</c> do: a Key Vault secret holding the PEM root
/// (<see cref="GatewayRouteOptions.TrustedRootSecretName"/>, read with the gateway's own identity) or a PEM file
/// (<see cref="GatewayRouteOptions.TrustedRootCertificatePath"/>). The system store is not consulted, so a certificate
/// from any other CA, or for another name, fails the request with 502. A route without either uses the system's trust.
/// A route to a service of the model's graph that listens for mutual TLS (<see cref="ServiceCallsOptions"/>) presents the
/// gateway's own certificate and accepts only that service's SPIFFE id, chained to the internal root.
/// </summary>
internal sealed class TrustedRootForwarderHttpClientFactory(IServiceProvider services) : ForwarderHttpClientFactory
{
    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(handler);

        base.ConfigureHandler(context, handler);
        if (services.GetService<IOptions<ServiceCallsOptions>>()?.Value.Services.GetValueOrDefault(context.ClusterId)?.SpiffeId is { } identity)
        {
            // A service of the graph: mutual TLS, the ingress's own certificate out, only that service's identity accepted.
            MutualTlsClient.Configure(
                handler, services.GetRequiredService<ServiceCertificate>(), services.GetRequiredService<KestrelTlsPolicy>(), identity,
                services.GetRequiredService<MutualTlsMetrics>(), services.GetRequiredService<ILogger<TrustedRootForwarderHttpClientFactory>>());
            return;
        }

        var routes = services.GetRequiredService<IOptions<GatewayOptions>>().Value.Routes;
        X509Certificate2 root;
        if (!routes.TryGetValue(context.ClusterId, out var route))
        {
            return;
        }

        if (route.TrustedRootSecretName is { Length: > 0 } secretName)
        {
            root = ReadRootFromVault(context.ClusterId, secretName);
        }
        else if (route.TrustedRootCertificatePath is { Length: > 0 } path)
        {
            root = LoadRoot(context.ClusterId, path);
        }
        else
        {
            return;
        }

        handler.SslOptions.CertificateChainPolicy = TrustedRootPolicy.TrustingOnly(root);
    }

    private X509Certificate2 ReadRootFromVault(string clusterId, string secretName)
    {
        var client = services.GetService(typeof(SecretClient)) as SecretClient ?? throw new InvalidOperationException(
            $"Cluster '{clusterId}' trusts the root in Key Vault secret '{secretName}', but the gateway has no vault: set KeyVault:Uri.");
        try
        {
            return X509Certificate2.CreateFromPem(client.GetSecret(secretName).Value.Value);
        }
        catch (Exception exception) when (exception is RequestFailedException or System.Security.Cryptography.CryptographicException or HttpRequestException)
        {
            throw new InvalidOperationException(
                $"Cluster '{clusterId}': the trusted root in Key Vault secret '{secretName}' could not be read: {exception.Message}", exception);
        }
    }

    private static X509Certificate2 LoadRoot(string clusterId, string path)
    {
        try
        {
            return X509CertificateLoader.LoadCertificateFromFile(path);
        }
        catch (Exception exception) when (exception is IOException or System.Security.Cryptography.CryptographicException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"Cluster '{clusterId}': the trusted root certificate '{path}' could not be loaded: {exception.Message}", exception);
        }
    }
}
