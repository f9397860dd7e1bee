namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The in-cluster ingress: SecureFlow.Gateway behind an internal load balancer in AKS, a local process in run mode.
/// It keeps the forwarding headers and hop records of the edge in front of it, from the edge's addresses only.
/// </summary>
public sealed class IngressControllerResource(string name) : GatewayResource(name)
{
    public override TimeSpan? HstsMaxAge => null;
}
