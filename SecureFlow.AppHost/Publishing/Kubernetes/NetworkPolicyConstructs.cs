using System.Net;
using k8s.Models;

namespace SecureFlow.AppHost.Publishing.Kubernetes;

/// <summary>
/// The NetworkPolicy constructs the publisher emits, and the only ones the evaluation test understands (tests'
/// <c>NetworkPolicyEvaluator</c>): label selectors with <c>matchLabels</c> only, explicit policy types, peers that are a
/// pod selector (with or without a namespace selector), a namespace selector, or an IPv4 <c>ipBlock</c> with
/// <c>except</c> inside its CIDR, and numbered TCP or UDP ports without ranges. Anything else is refused at publish, so
/// no policy reaches a cluster that the test did not judge.
/// </summary>
internal static class NetworkPolicyConstructs
{
    public static V1NetworkPolicy Require(V1NetworkPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);

        var name = policy.Metadata?.Name ?? "(unnamed)";
        var spec = policy.Spec ?? throw Refuse(name, "no spec");
        Selector(name, spec.PodSelector ?? throw Refuse(name, "no podSelector"));
        if (spec.PolicyTypes is not { Count: > 0 } types || types.Any(type => type is not ("Ingress" or "Egress")) || types.Distinct().Count() != types.Count)
        {
            throw Refuse(name, "policyTypes must name Ingress and/or Egress explicitly");
        }

        if (spec.Ingress is { } ingress && !types.Contains("Ingress") || spec.Egress is { } egress && !types.Contains("Egress"))
        {
            throw Refuse(name, "rules of a type the policy does not list");
        }

        foreach (var rule in spec.Ingress ?? [])
        {
            Rule(name, rule.FromProperty, rule.Ports);
        }

        foreach (var rule in spec.Egress ?? [])
        {
            Rule(name, rule.To, rule.Ports);
        }

        return policy;
    }

    private static void Rule(string name, IList<V1NetworkPolicyPeer>? peers, IList<V1NetworkPolicyPort>? ports)
    {
        foreach (var peer in peers ?? [])
        {
            if (peer.IpBlock is { } block)
            {
                if (peer.PodSelector is not null || peer.NamespaceSelector is not null)
                {
                    throw Refuse(name, "an ipBlock peer with a selector");
                }

                var cidr = Cidr(name, block.Cidr);
                foreach (var except in block.Except ?? [])
                {
                    var excluded = Cidr(name, except);
                    if (excluded.PrefixLength < cidr.PrefixLength || !cidr.Contains(excluded.BaseAddress))
                    {
                        throw Refuse(name, $"except {except} outside its ipBlock {block.Cidr}");
                    }
                }
            }
            else if (peer.PodSelector is null && peer.NamespaceSelector is null)
            {
                throw Refuse(name, "an empty peer");
            }

            if (peer.PodSelector is { } pods)
            {
                Selector(name, pods);
            }

            if (peer.NamespaceSelector is { } namespaces)
            {
                Selector(name, namespaces);
            }
        }

        foreach (var port in ports ?? [])
        {
            if (port.Protocol is not ("TCP" or "UDP") || port.EndPort is not null || port.Port is null || !int.TryParse(port.Port.Value, out _))
            {
                throw Refuse(name, $"port {port.Protocol}/{port.Port?.Value}: only numbered TCP or UDP ports, no ranges");
            }
        }
    }

    private static void Selector(string name, V1LabelSelector selector)
    {
        if (selector.MatchExpressions is { Count: > 0 })
        {
            throw Refuse(name, "matchExpressions");
        }
    }

    private static IPNetwork Cidr(string name, string cidr) =>
        IPNetwork.TryParse(cidr, out var network) && network.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
            ? network
            : throw Refuse(name, $"'{cidr}' is not an IPv4 CIDR");

    private static InvalidOperationException Refuse(string name, string construct) => new(
        $"NetworkPolicy '{name}' uses a construct the policy evaluation does not understand ({construct}): extend NetworkPolicyEvaluator and NetworkPolicyConstructs together, or emit what they know.");
}
