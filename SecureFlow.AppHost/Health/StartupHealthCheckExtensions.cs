using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SecureFlow.AppHost.Health;

namespace Aspire.Hosting;

public static class StartupHealthCheckExtensions
{
    /// <summary>
    /// Like <c>WithHttpHealthCheck(path, endpointName: ...)</c> (only 200 is healthy), but the moment the service first
    /// answers is seen within 100 ms instead of up to 5 s later, so the resources that wait for it start sooner.
    /// <code>
    /// builder.AddProject&lt;Projects.SecureFlow_Gateway&gt;("edge").WithStartupHealthCheck("/health", "management");
    /// </code>
    /// </summary>
    public static IResourceBuilder<T> WithStartupHealthCheck<T>(this IResourceBuilder<T> builder, string path, string endpointName)
        where T : IResourceWithEndpoints
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentException.ThrowIfNullOrWhiteSpace(endpointName);

        var (key, _) = AddStartupHealthCheck(builder, path, endpointName);
        return builder.WithHealthCheck(key);
    }

    /// <summary>
    /// The resource is healthy only while <paramref name="backend"/> is too (a gateway's backend health), and the moment
    /// the backend first is, is seen at once. Use it instead of <c>WaitFor(backend)</c> where the resource may start beside
    /// its backend and only its readiness depends on it.
    /// <code>
    /// builder.AddApplicationGateway("edge").WithBackendHealthCheck(ingress);
    /// </code>
    /// </summary>
    public static IResourceBuilder<T> WithBackendHealthCheck<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> backend)
        where T : IResource
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(backend);

        var key = $"{builder.Resource.Name}_backend_{backend.Resource.Name}";
        BackendHealthCheck? check = null;
        builder.ApplicationBuilder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            key,
            provider => LazyInitializer.EnsureInitialized(ref check, () => new BackendHealthCheck(backend.Resource.Name, provider.GetRequiredService<ResourceNotificationService>())),
            failureStatus: null,
            tags: null));
        return builder
            .WithRelationship(backend.Resource, "Backend")
            .WithHealthCheck(key);
    }

    /// <summary>Registers the check (not yet on the resource) and returns its key and the check, for a check that needs it too.</summary>
    internal static (string Key, StartupHealthCheck Check) AddStartupHealthCheck<T>(IResourceBuilder<T> builder, string path, string endpointName)
        where T : IResourceWithEndpoints
    {
        var endpoint = builder.GetEndpoint(endpointName);
        var key = $"{builder.Resource.Name}_{endpointName}_{path}_startup_check";
        var check = new StartupHealthCheck(() => new Uri(new Uri(endpoint.Url), path));
        builder.ApplicationBuilder.Services.AddHealthChecks().Add(new HealthCheckRegistration(key, _ => check, failureStatus: null, tags: null));
        return (key, check);
    }
}
