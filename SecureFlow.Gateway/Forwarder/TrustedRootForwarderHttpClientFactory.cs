using System.Security.Cryptography.X509Certificates;
using Azure;
using Azure.Security.KeyVault.Secrets;
using SecureFlow.ServiceDefaults.Tls;
using Yarp.ReverseProxy.Forwarder;

namespace SecureFlow.Gateway.Forwarder;

/// <summary>
/// Re-encryption to the next hop trusts exactly the root the model names for that cluster, as Application Gateway's
/// <c>trustedRootCertificates</c> do: a Key Vault secret holding the PEM root (cluster metadata
/// <see cref="TrustedRootSecretMetadataKey"/>, read with the gateway's own identity) or a PEM file
/// (<see cref="TrustedRootMetadataKey"/>). The system store is not consulted, so a certificate from any other CA, or
/// for another name, fails the request with 502. A cluster without either key uses the system's trust.
/// </summary>
internal sealed class TrustedRootForwarderHttpClientFactory(IServiceProvider services) : ForwarderHttpClientFactory
{
    public const string TrustedRootMetadataKey = "TrustedRootCertificatePath";

    public const string TrustedRootSecretMetadataKey = "TrustedRootSecretName";

    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(handler);

        base.ConfigureHandler(context, handler);
        X509Certificate2 root;
        if (context.NewMetadata?.TryGetValue(TrustedRootSecretMetadataKey, out var secretName) is true)
        {
            root = ReadRootFromVault(context.ClusterId, secretName);
        }
        else if (context.NewMetadata?.TryGetValue(TrustedRootMetadataKey, out var path) is true)
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
