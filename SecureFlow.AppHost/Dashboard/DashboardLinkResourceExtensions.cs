using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SecureFlow.AppHost.Configuration;
using SecureFlow.Contracts;
using SecureFlow.Contracts.Dashboard;

namespace Aspire.Hosting;

public static class DashboardLinkResourceExtensions
{
    /// <summary>The name Aspire gives the dashboard's resource in run mode.</summary>
    private const string DashboardResourceName = "aspire-dashboard";

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

        var configuration = builder.ApplicationBuilder.Configuration;
        return builder.WithEnvironment(context =>
        {
            if (!context.ExecutionContext.IsRunMode
                || !context.ExecutionContext.Services.GetRequiredService<DistributedApplicationModel>().Resources.Any(resource => resource.Name == DashboardResourceName)
                || DashboardUrl(configuration) is not { } url)
            {
                return;
            }

            ServiceConfiguration.Write(context.EnvironmentVariables, DashboardOptionsValidator.Instance.ThrowIfInvalid(new DashboardOptions { Url = url }));
        });
    }

    /// <summary>The dashboard's browser address: the AppHost's https URL (<c>applicationUrl</c> of its launch profile), else its first.</summary>
    private static Uri? DashboardUrl(ConfigurationManager configuration)
    {
        var urls = (configuration["ASPNETCORE_URLS"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(url => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : null).OfType<Uri>().ToList();
        return urls.FirstOrDefault(url => url.Scheme == Uri.UriSchemeHttps) ?? urls.FirstOrDefault();
    }
}
