using SecureFlow.AppHost.Configuration;
using SecureFlow.Contracts;
using SecureFlow.Contracts.Egress;

namespace SecureFlow.AppHost.Networking;

/// <summary>
/// A service's <see cref="EgressOptions"/>: the destinations the model allows it (<c>WithEgressTo</c>), written into the
/// local process's environment in run mode and into its Deployment at publish, from the same list the firewalls enforce.
/// </summary>
internal static class EgressConfiguration
{
    public static void Write(IResource service, IDictionary<string, object> environment)
    {
        var destinations = service.Annotations.OfType<EgressAnnotation>().SelectMany(annotation => annotation.Destinations).ToList();
        if (destinations.Count > 0)
        {
            ServiceConfiguration.Write(environment, new EgressOptionsValidator().ThrowIfInvalid(new EgressOptions
            {
                Destinations = [.. destinations.Select(destination => destination.ToString())],
            }));
        }
    }
}
