namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The in-cluster ingress: SecureFlow.Gateway behind an internal load balancer in AKS, a local process in run mode.
/// Only the edge reaches it, so it keeps the hop records the edge sends.
/// </summary>
public sealed class IngressControllerResource(string name) : GatewayResource(name)
{
    public override TimeSpan? HstsMaxAge => null;

    public override bool TrustsUpstreamHops => true;
}
