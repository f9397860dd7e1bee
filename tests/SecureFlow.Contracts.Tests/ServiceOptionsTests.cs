using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SecureFlow.Contracts.Gateways;
using SecureFlow.Contracts.KeyVault;
using SecureFlow.Contracts.Tls;

namespace SecureFlow.Contracts.Tests;

public sealed class ServiceOptionsTests
{
    [Fact]
    public void TheModelIsRefusedWithTheValidatorsMessage()
    {
        var failure = Assert.Throws<ArgumentException>(() => TlsPolicyOptionsValidator.Instance.ThrowIfInvalid(new TlsPolicyOptions(), "policy"));

        Assert.Equal("policy", failure.ParamName);
        Assert.Contains("no TLS 1.2 cipher suite", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AServiceBindsItsSectionAndRefusesABadValueWithTheValidatorsMessage()
    {
        using var services = Services(new()
        {
            ["KeyVault:Uri"] = "http://vault.example/",
        });

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<KeyVaultConnectionOptions>>().Value);

        Assert.Contains("must be an absolute https URI", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AGatewayWithoutCertificatesOrPortIsRefusedNamingBoth()
    {
        using var services = Services(new() { ["Gateway:Name"] = "edge" });

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<GatewayOptions>>().Value);

        Assert.Contains("Gateway:Https:Port", failure.Message, StringComparison.Ordinal);
        Assert.Contains("has no certificate", failure.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Services(Dictionary<string, string?> configuration)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build());
        services.AddServiceOptions<KeyVaultConnectionOptions, KeyVaultConnectionOptionsValidator>();
        services.AddServiceOptions<GatewayOptions, GatewayOptionsValidator>();
        return services.BuildServiceProvider();
    }
}
