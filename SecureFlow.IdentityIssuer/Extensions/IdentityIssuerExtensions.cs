using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SecureFlow.Contracts;
using SecureFlow.Contracts.IdentityIssuer;
using SecureFlow.IdentityIssuer.Issuing;
using SecureFlow.IdentityIssuer.Vault;
using SecureFlow.ServiceDefaults.KeyVault;

namespace SecureFlow.IdentityIssuer.Extensions;

public static class IdentityIssuerExtensions
{
    /// <summary>
    /// The issuer with its own identity and vault (sections <c>Identity</c>, <c>KeyVault</c>) and what to keep current
    /// (section <c>IdentityIssuer</c>), as every service composes its Key Vault clients.
    /// </summary>
    public static TBuilder AddIdentityIssuer<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.AddKeyVaultClients();
        builder.Services.AddServiceOptions<IdentityIssuerOptions, IdentityIssuerOptionsValidator>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(provider =>
        {
            var vault = provider.GetRequiredService<KeyVaultClientFactory>();
            return new VaultKeyClient(vault.CreatePipeline(), vault.VaultUri);
        });
        builder.Services.AddSingleton<ServiceIdentityIssuer>();
        return builder;
    }
}
