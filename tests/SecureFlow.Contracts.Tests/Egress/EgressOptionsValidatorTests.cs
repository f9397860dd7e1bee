using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SecureFlow.Contracts.Egress;

namespace SecureFlow.Contracts.Tests.Egress;

/// <summary>A service checks the destinations it is given as the model does: a value the firewall could not enforce stops it.</summary>
public sealed class EgressOptionsValidatorTests
{
    [Fact]
    public void AServiceRefusesEveryDestinationThatIsNotARuleNamingEachOne()
    {
        using var services = Services("https://api.example.org/", "api.example.org:8443", "*.com");

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<EgressOptions>>().Value);

        Assert.Contains("'https://api.example.org/'", failure.Message, StringComparison.Ordinal);
        Assert.Contains("'api.example.org:8443'", failure.Message, StringComparison.Ordinal);
        Assert.Contains("'*.com'", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AServiceBindsTheDestinationsTheModelWrites()
    {
        using var services = Services("api.example.org", "*.contoso.com", "files.contoso.com:80");

        var options = services.GetRequiredService<IOptions<EgressOptions>>().Value;

        Assert.Equal(["api.example.org", "*.contoso.com", "files.contoso.com:80"], options.Destinations);
    }

    private static ServiceProvider Services(params string[] destinations)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(destinations.Select((destination, index) => KeyValuePair.Create<string, string?>($"Egress:Destinations:{index}", destination)))
            .Build());
        services.AddServiceOptions<EgressOptions, EgressOptionsValidator>();
        return services.BuildServiceProvider();
    }
}
