using Microsoft.Extensions.DependencyInjection;
using SecureFlow.AppHost.Configuration;
using SecureFlow.Contracts;
using SecureFlow.Contracts.Dashboard;

namespace Aspire.Hosting;

public static class DashboardLinkResourceExtensions
{
    /// <summary>The name Aspire gives the dashboard's resource in run mode.</summary>
    public const string DashboardResourceName = "aspire-dashboard";

    /// <summary>
    /// Tells the service where this run's Aspire dashboard is (<see cref="DashboardOptions"/>), so that it can link a
    /// request to its trace there. Run mode with a dashboard only: a run without one (tests) and a published service get
    /// no address, and the service shows no link.
    /// <code>
    /// builder.AddProject&lt;Projects.SecureFlow_Workload&gt;("workload").WithDashboardLinks();
    /// </code>
    /// </summary>
    public static IResourceBuilder<T> WithDashboardLinks<T>(this IResourceBuilder<T> builder) where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);

        return builder.WithEnvironment(context =>
        {
            if (context.ExecutionContext.IsRunMode && DashboardUrl(context.ExecutionContext.Services.GetRequiredService<DistributedApplicationModel>()) is { } url)
            {
                ServiceConfiguration.Write(context.EnvironmentVariables, DashboardOptionsValidator.Instance.ThrowIfInvalid(new DashboardOptions { Url = url }));
            }
        });
    }

    /// <summary>
    /// The address the dashboard's browser endpoint was given (HTTPS where it has one): the launch profile's, or the free
    /// port a test run picked. Null when the run has no dashboard.
    /// </summary>
    public static Uri? DashboardUrl(DistributedApplicationModel model)
    {
        ArgumentNullException.ThrowIfNull(model);

        var endpoints = model.Resources.Where(resource => resource.Name == DashboardResourceName)
            .SelectMany(resource => resource.Annotations.OfType<EndpointAnnotation>())
            .Where(endpoint => endpoint.Name is "https" or "http" && endpoint.AllocatedEndpoint is not null)
            .OrderBy(endpoint => endpoint.Name == "https" ? 0 : 1);
        return endpoints.FirstOrDefault() is { AllocatedEndpoint: { } allocated } ? new Uri(allocated.UriString) : null;
    }
}
