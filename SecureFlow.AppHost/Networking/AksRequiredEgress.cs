using SecureFlow.Contracts.Egress;

namespace SecureFlow.AppHost.Networking;

/// <summary>
/// What an AKS cluster itself must reach through Azure Firewall. The <c>AzureKubernetesService</c> FQDN tag covers the
/// core service, but its contents are not published and have lagged the documentation (mspnp/aks-baseline#457: MCR's
/// backing registry blocked; Azure/AKS#2215; the baseline lists such names explicitly beside the tag, #289), so the
/// names of AKS's "Azure Global required FQDN / application rules" are allowed by name as well.
/// </summary>
internal static class AksRequiredEgress
{
    /// <summary>The FQDN tag that covers the endpoints an AKS cluster must reach (its API, images, updates).</summary>
    public const string FqdnTag = "AzureKubernetesService";

    /// <summary>The documented required names, each with why the cluster needs it; all over HTTPS on 443.</summary>
    public static IReadOnlyList<(EgressDestination Destination, string Why)> Destinations { get; } =
    [
        (Parse("mcr.microsoft.com"), "Microsoft Container Registry: system images (CoreDNS, CSI drivers, the Secrets Store provider)"),
        (Parse("*.data.mcr.microsoft.com"), "MCR's data endpoints: image layers are downloaded from these, not from mcr.microsoft.com"),
        (Parse("mcr-0001.mcr-msedge.net"), "MCR's CDN-backed storage"),
        (Parse("mcrprod.azurecr.io"), "MCR's backing registry, blocked behind the FQDN tag alone (mspnp/aks-baseline#457)"),
        (Parse("management.azure.com"), "Kubernetes operations against the Azure API (load balancers, disks)"),
        (Parse("login.microsoftonline.com"), "Entra ID: the nodes' and the pods' workload identity tokens"),
        (Parse("packages.microsoft.com"), "Microsoft's package repository for node packages"),
        (Parse("packages.aks.azure.com"), "Kubernetes and CNI binaries for new nodes (replaced acs-mirror.azureedge.net)"),
        (Parse("acs-mirror.azureedge.net"), "Kubernetes and CNI binaries on node images built before packages.aks.azure.com"),
    ];

    private static EgressDestination Parse(string value) =>
        EgressDestination.TryParse(value, out var destination, out var error) ? destination : throw new InvalidOperationException(error);
}
