namespace SecureFlow.AppHost.Publishing.Kubernetes;

/// <summary>The ports the pods listen on: traffic on one, health probes on a separate management port.</summary>
internal static class PodPorts
{
    /// <summary>The ingress gateway's TLS listener (unprivileged, so the pod runs as non-root).</summary>
    public const int GatewayHttps = 8443;

    /// <summary>A service's plain HTTP port inside the cluster, behind the ingress.</summary>
    public const int ServiceHttp = 8080;

    /// <summary>A service's mutual TLS listener (<c>WithMutualTls</c>): the only port its callers reach.</summary>
    public const int ServiceMutualTls = 8443;

    /// <summary>The port a caller of <paramref name="service"/> reaches it on, in the pod.</summary>
    public static int Of(IResource service) => service switch
    {
        GatewayResource => GatewayHttps,
        _ when Networking.ServiceGraph.ListensForMutualTls(service) => ServiceMutualTls,
        _ => ServiceHttp,
    };

    /// <summary>Health and liveness only, for the kubelet; no NetworkPolicy opens it to other pods.</summary>
    public const int Management = 8081;
}
