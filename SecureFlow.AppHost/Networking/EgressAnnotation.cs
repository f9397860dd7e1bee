using SecureFlow.Contracts.Egress;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The destinations a service may reach outside the cluster. In Azure they become the firewall's application rules,
/// locally the egress firewall's (all other egress is denied); a service without this annotation gets no egress beyond
/// DNS and the model's own services.
/// </summary>
public sealed class EgressAnnotation(IReadOnlyList<EgressDestination> destinations) : IResourceAnnotation
{
    public IReadOnlyList<EgressDestination> Destinations { get; } = destinations;
}
