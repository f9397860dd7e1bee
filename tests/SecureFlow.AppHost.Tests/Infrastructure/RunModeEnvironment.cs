using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SecureFlow.Contracts;

namespace SecureFlow.AppHost.Tests.Infrastructure;

public static class RunModeEnvironment
{
    /// <summary>The environment a resource would start with, as run mode computes it (endpoints given ports as DCP would).</summary>
    public static async Task<Dictionary<string, string>> OfAsync(IDistributedApplicationBuilder builder, IResource resource) =>
        (await OfEachAsync(builder, resource))[0];

    /// <summary>The environments of several resources of one app.</summary>
    public static async Task<IReadOnlyList<Dictionary<string, string>>> OfEachAsync(IDistributedApplicationBuilder builder, params IResource[] resources)
    {
        var port = 20000;
        foreach (var endpoint in builder.Resources.SelectMany(candidate => candidate.Annotations.OfType<EndpointAnnotation>()))
        {
            var allocated = endpoint.Port ?? port++;
            endpoint.AllocatedEndpoint = new AllocatedEndpoint(
                endpoint, "localhost", allocated, targetPortExpression: (endpoint.TargetPort ?? allocated).ToString(CultureInfo.InvariantCulture));
        }

        await using var app = builder.Build();
        var environments = new List<Dictionary<string, string>>();
        foreach (var resource in resources)
        {
            var configuration = await ExecutionConfigurationBuilder.Create(resource)
                .WithEnvironmentVariablesConfig()
                .BuildAsync(app.Services.GetRequiredService<DistributedApplicationExecutionContext>(), cancellationToken: TestContext.Current.CancellationToken)
                .WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            Assert.Null(configuration.Exception);
            environments.Add(configuration.EnvironmentVariables.ToDictionary());
        }

        return environments;
    }

    /// <summary>What a service binds from <paramref name="environment"/>: the options its contract type reads.</summary>
    public static TOptions Bind<TOptions>(IReadOnlyDictionary<string, string> environment) where TOptions : class, IServiceOptions, new()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(environment.Select(variable => KeyValuePair.Create(variable.Key.Replace("__", ":", StringComparison.Ordinal), (string?)variable.Value)))
            .Build();
        return configuration.GetSection(TOptions.SectionName).Get<TOptions>() ?? new TOptions();
    }
}
