using System.Globalization;
using System.Text;
using SecureFlow.AppHost.Networking;

namespace SecureFlow.AppHost.Publishing.Egress;

/// <summary>
/// <c>docs/egress.md</c>: every egress rule of the deployment in one table (source, destination, port, the rule it is
/// published as and the model line it comes from), then what each pod needs beside the firewall. Written by the
/// publish step from the same <see cref="PublishedApp"/> as <c>infra/firewall.bicep</c>, and drift-tested like it.
/// </summary>
internal static class EgressReport
{
    public const string Path = "docs/egress.md";

    public static string Render(PublishedApp app)
    {
        ArgumentNullException.ThrowIfNull(app);

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"""
            # Egress

            Generated from the app model (`SecureFlow.AppHost/AppHost.cs`) by the publish step, like `infra/firewall.bicep`;
            do not edit. Every packet leaving the cluster goes through Azure Firewall (the route table's next hop
            `{NetworkLayout.FirewallPrivateAddress}`), which allows these rules and denies everything else. Locally the egress
            firewall (`AddEgressFirewall`, Squid) allows each service its own rules, on a port of its own. To allow a new host,
            add it to the service in the model, e.g. `.WithEgressTo("api.contoso.com")`, and publish again.

            | source | destination | port | published as | why (the model) |
            | --- | --- | --- | --- | --- |

            """);
        foreach (var pod in app.Pods)
        {
            foreach (var destination in PublishedApp.EgressOf(pod))
            {
                text.Append(CultureInfo.InvariantCulture,
                    $"| `{pod.Name}` | `{destination.Host}` | {destination.Port} ({destination.Protocol.ToUpperInvariant()}) | `{pod.Name}-egress` / `{pod.Name}-{destination.Protocol.ToLowerInvariant()}` | `{pod.Name}.WithEgressTo(\"{destination}\")` in AppHost.cs |\n");
            }
        }

        var nodes = $"cluster nodes (`{NetworkLayout.ClusterNodesSubnet}`)";
        text.Append(CultureInfo.InvariantCulture,
            $"| {nodes} | FQDN tag `{AksRequiredEgress.FqdnTag}` | 443 (HTTPS) | `aks-required` / `aks-fqdn-tag` | AKS itself: the API server, node images, updates |\n");
        foreach (var (destination, why) in AksRequiredEgress.Destinations)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"| {nodes} | `{destination.Host}` | {destination.Port} (HTTPS) | `aks-required` / `aks-required-fqdns` | {why} |\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"""

            With Azure CNI overlay a pod leaves the cluster with its node's address, so Azure Firewall cannot tell pods apart:
            every rule's source is the node subnet. Which pods may take the path to the firewall at all is the NetworkPolicies'
            part; locally each service's port is its source, and a service without `WithEgressTo` is denied every destination.

            ## What each pod needs beside the firewall

            The vault's private endpoint and DNS never pass the firewall (locally `NO_PROXY={EgressFirewallResourceExtensions.InModelDestinations}`:
            the model's own services); the Entra ID token endpoint does, through `aks-required`. A gateway reads its
            certificates through the Secrets Store CSI mount, whose driver reaches the vault from the node.

            | pod | DNS | Key Vault private endpoint | Entra ID token endpoint | through the firewall |
            | --- | --- | --- | --- | --- |

            """);
        foreach (var pod in app.Pods)
        {
            // A gateway's certificates come through the CSI mount: the driver on the node reaches the vault, not the pod.
            var readsVault = pod is not GatewayResource && app.RoleAssignments.Any(assignment => assignment.Principal == pod.Name);
            var egress = PublishedApp.EgressOf(pod);
            text.Append(CultureInfo.InvariantCulture,
                $"| `{pod.Name}` | `{NetworkLayout.DnsServiceAddress}` 53 | {(readsVault ? $"`{NetworkLayout.PrivateEndpointsSubnet}` 443" : "—")} | {(readsVault ? "`login.microsoftonline.com` 443 (workload identity; `aks-required`)" : "—")} | {(egress.Count == 0 ? "nothing" : string.Join(", ", egress.Select(destination => $"`{destination}`")))} |\n");
        }

        return text.ToString();
    }
}
