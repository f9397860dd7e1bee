namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The hosts a service may call outside the cluster. In Azure they become the firewall's application rules (all
/// other egress is denied); a service without this annotation gets no egress beyond DNS.
/// </summary>
public sealed class EgressAnnotation(IReadOnlyList<string> hosts) : IResourceAnnotation
{
    public IReadOnlyList<string> Hosts { get; } = hosts;
}
