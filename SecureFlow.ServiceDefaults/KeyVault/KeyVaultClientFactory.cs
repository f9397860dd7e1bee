using System.Net;
using System.Net.Http;
using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Certificates;
using Azure.Security.KeyVault.Secrets;

using SecureFlow.Contracts.KeyVault;
using SecureFlow.ServiceDefaults.Tls;

namespace SecureFlow.ServiceDefaults.KeyVault;

/// <summary>The unmodified Azure SDK clients for one vault, with the transport and options the vault needs.</summary>
public sealed class KeyVaultClientFactory(Uri vaultUri, TokenCredential credential, X509Certificate2? trustedRoot)
{
    public Uri VaultUri { get; } = vaultUri;

    public SecretClient CreateSecretClient() => new(VaultUri, credential, Configure(new SecretClientOptions()));

    public CertificateClient CreateCertificateClient() => new(VaultUri, credential, Configure(new CertificateClientOptions()));

    /// <summary>
    /// An Azure.Core pipeline to the vault with the same credential, transport and retries as the SDK clients, for the
    /// Key Vault REST operations no client on this project's package feed covers (keys: Azure.Security.KeyVault.Keys is
    /// not on it). The token is for Key Vault's audience only.
    /// </summary>
    public HttpPipeline CreatePipeline() =>
        HttpPipelineBuilder.Build(Configure(new VaultPipelineOptions()), new BearerTokenAuthenticationPolicy(credential, "https://vault.azure.net/.default"));

    /// <summary>Loads the root named by <see cref="KeyVaultConnectionOptions.TrustedRootPath"/>, if any.</summary>
    public static KeyVaultClientFactory FromOptions(KeyVaultConnectionOptions options, TokenCredential credential)
    {
        ArgumentNullException.ThrowIfNull(options);
        var uri = options.Uri ?? throw new InvalidOperationException("Set KeyVault:Uri to the vault's URI (the AppHost does for services that reference a vault).");
        var root = string.IsNullOrEmpty(options.TrustedRootPath) ? null : X509CertificateLoader.LoadCertificateFromFile(options.TrustedRootPath);
        return new KeyVaultClientFactory(uri, credential, root);
    }

    private T Configure<T>(T options) where T : ClientOptions
    {
        // The SDK checks that the challenge's resource (https://vault.azure.net) is a parent domain of the vault's
        // host, so that a host posing as a vault cannot obtain a token for the real Key Vault audience. A loopback
        // emulator can never be under vault.azure.net, so the check is off for loopback vaults only: the local
        // credential signs tokens with a key that only this emulator knows, and they are worthless anywhere else.
        // Against Azure the check stays on.
        if (IsLoopback(VaultUri))
        {
            switch (options)
            {
                case SecretClientOptions secrets:
                    secrets.DisableChallengeResourceVerification = true;
                    break;
                case CertificateClientOptions certificates:
                    certificates.DisableChallengeResourceVerification = true;
                    break;
            }
        }

        // A gateway keeps serving its cached certificate when the vault is down: fail a refresh quickly instead of
        // retrying for minutes, the next poll tries again.
        options.Retry.MaxRetries = 2;
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        if (trustedRoot is not null)
        {
            options.Transport = new HttpClientTransport(CreateHandler(trustedRoot));
        }

        return options;
    }

    /// <summary>Trusts exactly <paramref name="root"/> for the vault's TLS certificate; the system store is not consulted.</summary>
    private static SocketsHttpHandler CreateHandler(X509Certificate2 root)
    {
        return new SocketsHttpHandler
        {
            SslOptions = { CertificateChainPolicy = TrustedRootPolicy.TrustingOnly(root) },
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
    }

    private sealed class VaultPipelineOptions : ClientOptions;

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host, out var address) && IPAddress.IsLoopback(address));
}
