using k8s.Models;

namespace SecureFlow.AppHost.Publishing.Kubernetes;

/// <summary>
/// The namespace denies all traffic by default; then each edge of the model's graph opens exactly one path: the
/// edge (App Gateway subnet) to the ingress, the ingress to each service it routes to, each service to the services it
/// calls (<c>WithCallsTo</c>), DNS, the vault's private endpoint for a pod that reads the vault itself, and HTTPS out
/// (to the firewall, which filters by host name) for a pod with declared egress or a workload identity to get tokens for.
/// </summary>
internal static class NetworkPolicies
{
    public static IEnumerable<V1NetworkPolicy> ForNamespace()
    {
        yield return Policy("default-deny", [], ["Ingress", "Egress"], ingress: null, egress: null);
        yield return Policy("allow-dns", [], ["Egress"], ingress: null, egress:
        [
            new V1NetworkPolicyEgressRule
            {
                To =
                [
                    new V1NetworkPolicyPeer
                    {
                        NamespaceSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = "kube-system" } },
                        PodSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["k8s-app"] = "kube-dns" } },
                    },
                ],
                Ports = [new V1NetworkPolicyPort { Protocol = "UDP", Port = 53 }, new V1NetworkPolicyPort { Protocol = "TCP", Port = 53 }],
            },
        ]);
    }

    public static IEnumerable<V1NetworkPolicy> For(PublishedApp app, ProjectResource pod)
    {
        var selector = KubernetesManifests.Selector(pod.Name);
        if (pod == app.Ingress)
        {
            yield return Policy($"{pod.Name}-from-{app.Edge.Name}", selector, ["Ingress"], egress: null, ingress:
            [
                new V1NetworkPolicyIngressRule
                {
                    FromProperty = [new V1NetworkPolicyPeer { IpBlock = new V1IPBlock { Cidr = NetworkLayout.ApplicationGatewaySubnet } }],
                    Ports = [new V1NetworkPolicyPort { Protocol = "TCP", Port = PodPorts.GatewayHttps }],
                },
            ]);
        }

        // One allow per edge of the model's graph between pods, on both ends: the callee's ingress, the caller's egress.
        foreach (var call in app.Calls.Where(call => call.Callee == pod && call.Caller != app.Edge))
        {
            yield return Policy($"{pod.Name}-from-{call.Caller.Name}", selector, ["Ingress"], egress: null, ingress:
            [
                new V1NetworkPolicyIngressRule
                {
                    FromProperty = [new V1NetworkPolicyPeer { PodSelector = new V1LabelSelector { MatchLabels = KubernetesManifests.Selector(call.Caller.Name) } }],
                    Ports = [new V1NetworkPolicyPort { Protocol = "TCP", Port = PodPorts.Of(pod) }],
                },
            ]);
        }

        foreach (var call in app.Calls.Where(call => call.Caller == pod))
        {
            yield return Policy($"{pod.Name}-to-{call.Callee.Name}", selector, ["Egress"], ingress: null, egress:
            [
                new V1NetworkPolicyEgressRule
                {
                    To = [new V1NetworkPolicyPeer { PodSelector = new V1LabelSelector { MatchLabels = KubernetesManifests.Selector(call.Callee.Name) } }],
                    Ports = [new V1NetworkPolicyPort { Protocol = "TCP", Port = PodPorts.Of(call.Callee) }],
                },
            ]);
        }

        if (app.ReadsVault(pod))
        {
            // The vault's private endpoint, for a pod that reads it with its own identity (not only through the CSI mount).
            yield return ToVault(pod.Name);
        }

        if (PublishedApp.EgressOf(pod).Count > 0 || app.ReadsVault(pod))
        {
            yield return ThroughTheFirewall(pod.Name);
        }
    }

    /// <summary>
    /// The identity issuer (a Job and a CronJob): nothing reaches it; it reaches the vault's private endpoint and, for
    /// its workload identity's token, Entra ID through the firewall; DNS is the namespace's.
    /// </summary>
    public static IEnumerable<V1NetworkPolicy> ForIdentityIssuer(string issuer) => [ToVault(issuer), ThroughTheFirewall(issuer)];

    private static V1NetworkPolicy ToVault(string name) => Policy($"{name}-to-vault", KubernetesManifests.Selector(name), ["Egress"], ingress: null, egress:
    [
        new V1NetworkPolicyEgressRule
        {
            To = [new V1NetworkPolicyPeer { IpBlock = new V1IPBlock { Cidr = NetworkLayout.PrivateEndpointsSubnet } }],
            Ports = [new V1NetworkPolicyPort { Protocol = "TCP", Port = 443 }],
        },
    ]);

    /// <summary>
    /// Host names cannot be expressed here: HTTPS leaves the cluster only towards the firewall's allow-list (the model's
    /// egress hosts, and Entra ID's token endpoint for a pod's workload identity).
    /// </summary>
    private static V1NetworkPolicy ThroughTheFirewall(string name) => Policy($"{name}-egress", KubernetesManifests.Selector(name), ["Egress"], ingress: null, egress:
    [
        new V1NetworkPolicyEgressRule
        {
            To =
            [
                new V1NetworkPolicyPeer
                {
                    IpBlock = new V1IPBlock { Cidr = "0.0.0.0/0", Except = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] },
                },
            ],
            Ports = [new V1NetworkPolicyPort { Protocol = "TCP", Port = 443 }],
        },
    ]);

    private static V1NetworkPolicy Policy(
        string name, Dictionary<string, string> podSelector, List<string> types, List<V1NetworkPolicyIngressRule>? ingress, List<V1NetworkPolicyEgressRule>? egress) => NetworkPolicyConstructs.Require(new()
    {
        ApiVersion = "networking.k8s.io/v1",
        Kind = "NetworkPolicy",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = PublishedApp.Namespace },
        Spec = new V1NetworkPolicySpec
        {
            PodSelector = new V1LabelSelector { MatchLabels = podSelector.Count == 0 ? null : podSelector },
            PolicyTypes = types,
            Ingress = ingress,
            Egress = egress,
        },
    });
}
