namespace SecureFlow.AppHost.Publishing;

/// <summary>
/// The spoke network of the AKS baseline (mspnp/aks-baseline <c>network-team/spoke-BU0001A0008.bicep</c>), in one
/// place: Bicep builds the subnets from it, the manifests pin the ingress's internal load balancer and trust the
/// App Gateway subnet with it.
/// </summary>
internal static class NetworkLayout
{
    public const string VirtualNetwork = "10.240.0.0/16";
    public const string ClusterNodesSubnet = "10.240.0.0/22";
    public const string IngressServicesSubnet = "10.240.4.0/28";
    public const string PrivateEndpointsSubnet = "10.240.4.32/28";

    /// <summary>The vault provisioning script's container (Azure Container Instances, delegated).</summary>
    public const string DeploymentScriptsSubnet = "10.240.4.64/28";

    public const string DeploymentScriptsSubnetName = "snet-deploymentscripts";
    public const string ApplicationGatewaySubnet = "10.240.5.0/24";
    public const string FirewallSubnet = "10.240.6.0/26";

    /// <summary>Azure Firewall takes the first usable address of its subnet: the next hop of every cluster route.</summary>
    public const string FirewallPrivateAddress = "10.240.6.4";

    /// <summary>The ingress's internal load balancer address: fixed, so the private DNS record can name it.</summary>
    public const string IngressLoadBalancerAddress = "10.240.4.4";

    public const string IngressServicesSubnetName = "snet-clusteringressservices";

    /// <summary>Azure CNI overlay: pods and services take addresses outside the VNet.</summary>
    public const string PodCidr = "192.168.0.0/16";
    public const string ServiceCidr = "172.16.0.0/16";
    public const string DnsServiceAddress = "172.16.0.10";
}
