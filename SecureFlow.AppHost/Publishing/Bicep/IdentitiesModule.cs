using static SecureFlow.AppHost.Publishing.Bicep.BicepSyntax;

namespace SecureFlow.AppHost.Publishing.Bicep;

/// <summary>
/// <c>infra/identities.bicep</c>: one user-assigned identity per service of the model (the edge's for Application
/// Gateway, a workload identity per pod), and the AKS control plane's. Each service authenticates as itself.
/// </summary>
internal static class IdentitiesModule
{
    public const string Path = "infra/identities.bicep";

    /// <summary>The control plane's identity: it manages the cluster's load balancers in the VNet and nothing else.</summary>
    public const string ControlPlane = "aks-controlplane";

    public static BicepFile Build(PublishedApp app)
    {
        var file = new BicepFile(Path, "Identities: one per service, so that each reads only what the model grants it.");
        CommonParameters(file, logs: false);
        foreach (var name in Names(app))
        {
            var identity = file.Resource(BicepSymbol.From(name), "Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31",
                $"The identity of {name}: Key Vault grants go to it alone.", new BicepObject
                {
                    { "name", UniqueName($"id-{name}-") },
                    { "location", Expr("location") },
                });
            file.Output(BicepSymbol.From(name + "-name"), "string", Expr($"{identity}.name"));
            file.Output(BicepSymbol.From(name + "-id"), "string", Expr($"{identity}.id"));
            file.Output(BicepSymbol.From(name + "-principal-id"), "string", Expr($"{identity}.properties.principalId"));
            file.Output(BicepSymbol.From(name + "-client-id"), "string", Expr($"{identity}.properties.clientId"));
        }

        return file;
    }

    /// <summary>The identities, in model order: the edge, the pods (and the identity issuer), then the control plane.</summary>
    public static IEnumerable<string> Names(PublishedApp app) => [app.Edge.Name, .. app.WorkloadIdentities, ControlPlane];
}
