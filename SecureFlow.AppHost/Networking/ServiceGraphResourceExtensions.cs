using SecureFlow.AppHost.Configuration;
using SecureFlow.AppHost.Networking;

namespace Aspire.Hosting;

public static class ServiceGraphResourceExtensions
{
    /// <summary>
    /// States that the service calls <paramref name="service"/>: the one edge of the graph that lets it. The callee
    /// accepts calls from the services that call it this way (or route to it) and from nobody else, locally and in
    /// AKS; the caller finds it by service discovery and waits for it.
    /// <code>
    /// builder.AddProject&lt;Projects.SecureFlow_Workload&gt;("workload").WithCallsTo(orders);
    /// </code>
    /// </summary>
    /// <param name="builder">The calling service.</param>
    /// <param name="service">The service it calls.</param>
    /// <returns>The calling service's builder.</returns>
    public static IResourceBuilder<ProjectResource> WithCallsTo(this IResourceBuilder<ProjectResource> builder, IResourceBuilder<ProjectResource> service)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(service);
        if (service.Resource == builder.Resource)
        {
            throw new ArgumentException($"'{builder.Resource.Name}' cannot call itself through the graph.", nameof(service));
        }

        if (builder.Resource.Annotations.OfType<ServiceCallAnnotation>().Any(call => call.Service == service.Resource))
        {
            return builder;
        }

        return builder
            .WithAnnotation(new ServiceCallAnnotation(service.Resource))
            .WithReference(service)
            .WaitFor(service)
            .WithEnvironment(context => ServiceConfiguration.Write(context.EnvironmentVariables, ServiceGraph.CallsOf(builder.Resource)));
    }
}
