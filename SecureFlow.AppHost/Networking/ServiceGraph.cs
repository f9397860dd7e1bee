using SecureFlow.AppHost.Certificates;
using SecureFlow.AppHost.Publishing;
using SecureFlow.Contracts;
using SecureFlow.Contracts.MutualTls;
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

    /// <summary>The service's mutual TLS identity, or null for a service without one.</summary>
    public static ServiceIdentityAnnotation? IdentityOf(IResource resource) => resource.Annotations.OfType<ServiceIdentityAnnotation>().SingleOrDefault();

    /// <summary>The SPIFFE id of a service of this app: its Kubernetes service account in the app's namespace.</summary>
    public static Uri SpiffeIdOf(string service) =>
        new(SpiffeId.For(DevelopmentCertificateAuthority.SpiffeTrustDomain, PublishedApp.Namespace, service));

    /// <summary>Whether calls to <paramref name="callee"/> are mutual TLS: it has an identity and listens for them (not a gateway).</summary>
    public static bool ListensForMutualTls(IResource callee) => callee is not GatewayResource && IdentityOf(callee) is not null;

    /// <summary>Where a caller finds <paramref name="callee"/>: HTTPS when it listens for mutual TLS, else <paramref name="scheme"/>.</summary>
    public static string DestinationOf(IResource callee, string scheme) => $"{(ListensForMutualTls(callee) ? "https" : scheme)}://{callee.Name}";

    /// <summary>
    /// The options the service binds to find the services it calls: those of <c>WithCallsTo</c> and, for a gateway, the
    /// destinations it calls over mutual TLS, each with the identity it must present.
    /// </summary>
    public static ServiceCallsOptions CallsOf(IResource caller)
    {
        IEnumerable<IResource> callees = CalleesOf(caller);
        if (caller is GatewayResource gateway)
        {
            callees = callees.Concat(gateway.Routes.Select(route => route.Destination).Where(ListensForMutualTls));
        }

        var options = new ServiceCallsOptions();
        foreach (var callee in callees.Distinct())
        {
            var mutual = ListensForMutualTls(callee);
            if (mutual && IdentityOf(caller) is null)
            {
                throw new InvalidOperationException(
                    $"'{caller.Name}' calls '{callee.Name}', which accepts mutual TLS only: give '{caller.Name}' its identity too (WithMutualTls).");
            }

            options.Services[callee.Name] = new ServiceCallOptions
            {
                Destination = DestinationOf(callee, "http"),
                SpiffeId = mutual ? IdentityOf(callee)!.SpiffeId.ToString() : null,
            };
        }

        return ServiceCallsOptionsValidator.Instance.ThrowIfInvalid(options);
    }

    /// <summary>The SPIFFE ids the graph lets call <paramref name="callee"/>: its callers, each of which must have an identity.</summary>
    public static IReadOnlyList<string> AllowedCallersOf(IResource callee, IEnumerable<IResource> resources)
    {
        var callers = Edges(resources).Where(edge => edge.Callee == callee).Select(edge => edge.Caller).Distinct();
        return [.. callers.Select(caller => (IdentityOf(caller) ?? throw new InvalidOperationException(
            $"'{caller.Name}' calls '{callee.Name}', which accepts mutual TLS only: give '{caller.Name}' its identity too (WithMutualTls).")).SpiffeId.ToString())];
    }
}
