using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

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
}
