using System.Net;
using k8s.Models;

namespace SecureFlow.Publishing.Tests.Kubernetes;

/// <summary>One end of a connection: a pod (namespace, namespace labels, pod labels, address) or an address outside the cluster's pods.</summary>
internal sealed record Endpoint(string Name, IPAddress Address, string? Namespace = null, IReadOnlyDictionary<string, string>? NamespaceLabels = null, IReadOnlyDictionary<string, string>? Labels = null)
{
    public bool IsPod => Namespace is not null;

    public static Endpoint Pod(string name, string address, string ns, IReadOnlyDictionary<string, string> labels) =>
        new(name, IPAddress.Parse(address), ns, new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = ns }, labels);

    public static Endpoint External(string name, string address) => new(name, IPAddress.Parse(address));
}

/// <summary>
/// Decides a connection as Kubernetes does with NetworkPolicy (networking.k8s.io/v1), for the constructs the publisher
/// emits (<c>NetworkPolicyConstructs</c>); anything else throws rather than guess. A pod is isolated for a direction when
/// a policy of its namespace selects it with that policy type; an isolated pod admits only what some rule of those
/// policies allows (rules add up; a rule's peers and ports must both match; no peers or no ports means all). A
/// connection between two pods needs the source's egress and the destination's ingress. An <c>ipBlock</c> matches
/// addresses outside the pods (as Cilium does: pod traffic is matched by labels), minus its <c>except</c>.
/// </summary>
internal sealed class NetworkPolicyEvaluator(IReadOnlyList<V1NetworkPolicy> policies)
{
    public bool Allows(Endpoint source, Endpoint destination, string protocol, int port) =>
        (!source.IsPod || Admits(source, "Egress", destination, protocol, port)) && (!destination.IsPod || Admits(destination, "Ingress", source, protocol, port));

    private bool Admits(Endpoint pod, string direction, Endpoint peer, string protocol, int port)
    {
        var selecting = policies.Where(policy => policy.Metadata.NamespaceProperty == pod.Namespace && Matches(policy.Spec.PodSelector, pod.Labels!)
            && (policy.Spec.PolicyTypes ?? throw Unsupported(policy, "policyTypes left implicit")).Contains(direction)).ToList();
        if (selecting.Count == 0)
        {
            return true;
        }

        return selecting.Any(policy => direction == "Ingress"
            ? (policy.Spec.Ingress ?? []).Any(rule => Rule(policy, rule.FromProperty, rule.Ports, peer, protocol, port))
            : (policy.Spec.Egress ?? []).Any(rule => Rule(policy, rule.To, rule.Ports, peer, protocol, port)));
    }

    private static bool Rule(V1NetworkPolicy policy, IList<V1NetworkPolicyPeer>? peers, IList<V1NetworkPolicyPort>? ports, Endpoint peer, string protocol, int port) =>
        (peers is null || peers.Count == 0 || peers.Any(candidate => Peer(policy, candidate, peer)))
        && (ports is null || ports.Count == 0 || ports.Any(candidate => Port(policy, candidate, protocol, port)));

    private static bool Peer(V1NetworkPolicy policy, V1NetworkPolicyPeer candidate, Endpoint peer)
    {
        if (candidate.IpBlock is { } block)
        {
            if (candidate.PodSelector is not null || candidate.NamespaceSelector is not null)
            {
                throw Unsupported(policy, "ipBlock with a selector");
            }

            return !peer.IsPod && IPNetwork.Parse(block.Cidr).Contains(peer.Address)
                && !(block.Except ?? []).Any(except => IPNetwork.Parse(except).Contains(peer.Address));
        }

        if (!peer.IsPod)
        {
            return false;
        }

        // A pod selector alone means the policy's own namespace; with a namespace selector, the namespaces it selects.
        var namespaceMatches = candidate.NamespaceSelector is { } namespaces
            ? Matches(namespaces, peer.NamespaceLabels!)
            : candidate.PodSelector is not null ? peer.Namespace == policy.Metadata.NamespaceProperty : throw Unsupported(policy, "an empty peer");
        return namespaceMatches && (candidate.PodSelector is not { } pods || Matches(pods, peer.Labels!));
    }

    private static bool Port(V1NetworkPolicy policy, V1NetworkPolicyPort candidate, string protocol, int port)
    {
        if (candidate.EndPort is not null || candidate.Port is null || !int.TryParse(candidate.Port.Value, out var number) || candidate.Protocol is not ("TCP" or "UDP"))
        {
            throw Unsupported(policy, $"port {candidate.Protocol}/{candidate.Port?.Value}");
        }

        return candidate.Protocol == protocol && number == port;
    }

    private static bool Matches(V1LabelSelector selector, IReadOnlyDictionary<string, string> labels)
    {
        if (selector.MatchExpressions is { Count: > 0 })
        {
            throw new NotSupportedException("matchExpressions: the evaluator does not understand them, so the publisher must not emit them.");
        }

        return (selector.MatchLabels ?? new Dictionary<string, string>()).All(label => labels.TryGetValue(label.Key, out var value) && value == label.Value);
    }

    private static NotSupportedException Unsupported(V1NetworkPolicy policy, string construct) =>
        new($"NetworkPolicy '{policy.Metadata.Name}': {construct} is not understood by the evaluator.");
}
