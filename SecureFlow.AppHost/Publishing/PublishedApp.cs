using SecureFlow.Contracts.Egress;
using SecureFlow.AppHost.Networking;
using SecureFlow.AppHost.Publishing.IdentityIssuer;

namespace SecureFlow.AppHost.Publishing;

/// <summary>
/// What publish mode reads from the app model: the edge (Application Gateway), the ingress it forwards to, the
/// services the ingress routes to and the services they call, the vault's secrets with who may read them, the WAF policy and the egress
/// allow-list. Bicep, the manifests and azure.yaml are all written from this one view.
/// </summary>
internal sealed record PublishedApp(
    ApplicationGatewayResource Edge,
    IngressControllerResource Ingress,
    IReadOnlyList<ProjectResource> Services,
    IReadOnlyList<VaultSecret> Secrets,
    IReadOnlyList<VaultRoleAssignment> RoleAssignments,
    WafSettings Waf)
{
    /// <summary>The published Azure Firewall's tier (<c>AddAzdPublishing</c>).</summary>
    public AzureFirewallTier FirewallTier { get; init; } = AzureFirewallTier.Premium;

    /// <summary>The issuer of the services' mutual TLS identities (a Job and a CronJob), when the model has any.</summary>
    public PublishedIdentityIssuer? Issuer { get; init; }

    /// <summary>Every workload identity of the cluster, by service account name: the pods, then the identity issuer.</summary>
    public IReadOnlyList<string> WorkloadIdentities => [.. Pods.Select(pod => pod.Name), .. Issuer is { } issuer ? [issuer.Name] : Array.Empty<string>()];

    /// <summary>The Kubernetes namespace every pod of the app runs in.</summary>
    public const string Namespace = "secureflow";

    /// <summary>The route from the edge to the ingress: its host name, the ingress's certificate and the root the edge trusts.</summary>
    public GatewayRoute Backend => Edge.Routes.Single();

    /// <summary>The public host names the edge listens for.</summary>
    public IReadOnlyList<string> PublicHosts => Backend.MatchHosts;

    /// <summary>What the pods run: the ingress, then the services it routes to, then the services those call.</summary>
    public IReadOnlyList<ProjectResource> Pods => [Ingress, .. Services];

    /// <summary>The model's graph: every call it allows, from the edge's backend to the last service call.</summary>
    public IReadOnlyList<ServiceEdge> Calls => ServiceGraph.Edges([Edge, .. Pods]);

    /// <summary>
    /// Whether the pod calls the vault itself (a secret of the model, read with its workload identity through the vault's
    /// private endpoint); certificates reach pods through the CSI mount, which the node's driver reads.
    /// </summary>
    public bool ReadsVault(ProjectResource pod) =>
        pod is not GatewayResource && RoleAssignments.Any(assignment => assignment.Principal == pod.Name && assignment.Secret.Format == SecretFormat.Value);

    /// <summary>The destinations <paramref name="resource"/> may reach outside the cluster (<c>WithEgressTo</c>), in model order.</summary>
    public static IReadOnlyList<EgressDestination> EgressOf(IResource resource) =>
        [.. resource.Annotations.OfType<EgressAnnotation>().SelectMany(annotation => annotation.Destinations)];

    public static PublishedApp From(IEnumerable<IResource> resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var all = resources.ToList();
        var edges = all.OfType<ApplicationGatewayResource>().ToList();
        if (edges.Count != 1 || edges[0].Routes.Count != 1)
        {
            throw new InvalidOperationException(
                "Publishing needs exactly one AddApplicationGateway with one WithBackend: it becomes the deployment's Application Gateway.");
        }

        var edge = edges[0];
        if (edge.Routes[0].Destination is not IngressControllerResource ingress || edge.Routes[0].DestinationHost is null || edge.Routes[0].DestinationCertificate is null)
        {
            throw new InvalidOperationException($"'{edge.Name}' must forward to an AddIngressController over TLS (WithBackend) to be published.");
        }

        var services = ingress.Routes.Select(route => route.Destination).OfType<ProjectResource>().Distinct().ToList();
        if (services.Count != ingress.Routes.Count)
        {
            throw new InvalidOperationException($"Every route of '{ingress.Name}' must lead to a project (AddProject) to be published to AKS.");
        }

        // The services the routed ones call (WithCallsTo), and the ones those call, each deployed once.
        for (var index = 0; index < services.Count; index++)
        {
            services.AddRange(ServiceGraph.CalleesOf(services[index]).Where(callee => !services.Contains(callee)));
        }

        GatewayResource[] gateways = [edge, ingress];
        var vault = gateways.SelectMany(gateway => gateway.Certificates).Select(certificate => certificate.Vault).Distinct().SingleOrDefault()
            ?? throw new InvalidOperationException("Publishing needs the gateways' certificates in one Key Vault (AddKeyVault, vault.AddCertificate).");
        var secrets = KeyVaultAccess.Secrets(gateways, vault);
        HashSet<string> identities = [edge.Name, ingress.Name, .. services.Select(service => service.Name)];
        return new PublishedApp(edge, ingress, services, secrets, KeyVaultAccess.RoleAssignments(vault, secrets, identities), WafSettings.From(edge))
        {
            Issuer = PublishedIdentityIssuer.From(vault),
        };
    }
}
