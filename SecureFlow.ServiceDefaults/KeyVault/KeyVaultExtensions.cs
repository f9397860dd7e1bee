using Azure.Core;
using Azure.Identity;
using Azure.Security.KeyVault.Certificates;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SecureFlow.Contracts;
using SecureFlow.Contracts.Identity;
using SecureFlow.Contracts.KeyVault;
using SecureFlow.ServiceDefaults.Identity;

namespace SecureFlow.ServiceDefaults.KeyVault;

public static class KeyVaultExtensions
{
    /// <summary>
    /// Registers the service's own <see cref="TokenCredential"/> and the Key Vault clients for the vault the app model
    /// gave it (section <c>KeyVault</c>). Locally the credential is <see cref="LocalServiceCredential"/>; in Azure the
    /// managed (or, in a pod, workload) identity credential. The code that uses the clients is the same.
    /// <code>
    /// builder.AddKeyVaultClients();
    /// </code>
    /// </summary>
    public static TBuilder AddKeyVaultClients<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);

        var services = builder.Services;
        services.AddServiceOptions<ServiceIdentityOptions, ServiceIdentityOptionsValidator>();
        services.AddServiceOptions<KeyVaultConnectionOptions, KeyVaultConnectionOptionsValidator>();
        services.AddSingleton(provider => CreateCredential(provider.GetRequiredService<IOptions<ServiceIdentityOptions>>().Value));
        services.AddSingleton(provider => KeyVaultClientFactory.FromOptions(
            provider.GetRequiredService<IOptions<KeyVaultConnectionOptions>>().Value, provider.GetRequiredService<TokenCredential>()));
        services.AddSingleton(provider => provider.GetRequiredService<KeyVaultClientFactory>().CreateSecretClient());
        services.AddSingleton(provider => provider.GetRequiredService<KeyVaultClientFactory>().CreateCertificateClient());
        return builder;
    }

    /// <summary>Whether the app model gave this service a vault.</summary>
    public static bool HasKeyVault(this IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return !string.IsNullOrEmpty(configuration.GetSection(KeyVaultConnectionOptions.SectionName)[nameof(KeyVaultConnectionOptions.Uri)]);
    }

    private static TokenCredential CreateCredential(ServiceIdentityOptions identity)
    {
        if (!string.IsNullOrEmpty(identity.LocalKey))
        {
            return new LocalServiceCredential(identity.Name, identity.LocalKey);
        }

        // In a pod the workload identity webhook sets AZURE_FEDERATED_TOKEN_FILE; elsewhere (Application Gateway's
        // side of the deployment, a VM) the user-assigned managed identity answers.
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AZURE_FEDERATED_TOKEN_FILE")))
        {
            return new WorkloadIdentityCredential(new WorkloadIdentityCredentialOptions { ClientId = identity.ClientId });
        }

        if (string.IsNullOrEmpty(identity.ClientId))
        {
            throw new InvalidOperationException(
                $"Service '{identity.Name}' has no identity: set Identity:ClientId (Azure) or Identity:LocalKey (the AppHost does locally).");
        }

        return new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(identity.ClientId));
    }
}
