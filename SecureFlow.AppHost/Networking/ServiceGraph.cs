using SecureFlow.Contracts;
using SecureFlow.Contracts.ServiceGraph;

namespace SecureFlow.AppHost.Networking;

/// <summary>
/// Who may call whom, read from the model only: each gateway's routes (<c>WithBackend</c>, <c>WithRoute</c>) and each
/// service's <c>WithCallsTo</c>. Every consumer (the services' configuration, mutual TLS, the NetworkPolicies, the
/// certificates) reads the graph here, so that no edge is stated twice.
/// </summary>
internal static class ServiceGraph
{
    public static IReadOnlyList<ServiceEdge> Edges(IEnumerable<IResource> resources)
    {
        ArgumentNullException.ThrowIfNull(resources);

        List<ServiceEdge> edges = [];
        foreach (var resource in resources)
        {
            if (resource is GatewayResource gateway)
            {
                edges.AddRange(gateway.Routes.Select(route => route.Destination).Distinct().Select(destination => new ServiceEdge(gateway, destination)));
            }

            edges.AddRange(CalleesOf(resource).Select(callee => new ServiceEdge(resource, callee)));
        }

        return edges;
    }

    /// <summary>The services <paramref name="caller"/> calls with <c>WithCallsTo</c>, in model order.</summary>
    public static IReadOnlyList<ProjectResource> CalleesOf(IResource caller) =>
        [.. caller.Annotations.OfType<ServiceCallAnnotation>().Select(call => call.Service)];

    /// <summary>The options the service binds to find the services it calls.</summary>
    public static ServiceCallsOptions CallsOf(IResource caller)
    {
        var options = new ServiceCallsOptions();
        foreach (var callee in CalleesOf(caller))
        {
            options.Services[callee.Name] = new ServiceCallOptions { Destination = $"http://{callee.Name}" };
        }

        return ServiceCallsOptionsValidator.Instance.ThrowIfInvalid(options);
    }
}
