using Yarp.ReverseProxy.Configuration;

namespace SecureFlow.Gateway.Configuration;

/// <summary>
/// The model's routes (<see cref="GatewayOptions.Routes"/>) as YARP's routes and clusters: one route and one cluster per
/// model route, matching its hosts on every path, with one destination resolved by service discovery.
/// </summary>
internal static class GatewayProxyConfig
{
    public static InMemoryConfigProvider Create(GatewayOptions gateway)
    {
        ArgumentNullException.ThrowIfNull(gateway);

        var routes = gateway.Routes.Select(route => new RouteConfig
        {
            RouteId = route.Key,
            ClusterId = route.Key,
            Match = new RouteMatch { Hosts = route.Value.Hosts, Path = "{**catch-all}" },
        });
        var clusters = gateway.Routes.Select(route => new ClusterConfig
        {
            ClusterId = route.Key,
            Destinations = new Dictionary<string, DestinationConfig>(StringComparer.Ordinal)
            {
                [route.Key] = new() { Address = route.Value.Destination, Host = route.Value.DestinationHost },
            },
        });
        return new InMemoryConfigProvider([.. routes], [.. clusters]);
    }
}
