using System.Security.Cryptography.X509Certificates;
using Yarp.ReverseProxy.Forwarder;

namespace SecureFlow.Gateway.Forwarder;

/// <summary>
/// Re-encryption to the next hop trusts exactly the root the model names for that cluster (cluster metadata
/// <see cref="TrustedRootMetadataKey"/>: a PEM file), as Application Gateway's <c>trustedRootCertificates</c> do: the
/// system store is not consulted, so a certificate from any other CA, or for another name, fails the request with
/// 502. A cluster without the key uses the system's trust.
/// </summary>
internal sealed class TrustedRootForwarderHttpClientFactory : ForwarderHttpClientFactory
{
    public const string TrustedRootMetadataKey = "TrustedRootCertificatePath";

    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(handler);

        base.ConfigureHandler(context, handler);
        if (context.NewMetadata?.TryGetValue(TrustedRootMetadataKey, out var path) is not true)
        {
            return;
        }

        var chainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,

            // The local CA publishes no revocation list; Application Gateway does not check backend revocation either.
            RevocationMode = X509RevocationMode.NoCheck,
        };
        chainPolicy.CustomTrustStore.Add(LoadRoot(context.ClusterId, path));
        handler.SslOptions.CertificateChainPolicy = chainPolicy;
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
