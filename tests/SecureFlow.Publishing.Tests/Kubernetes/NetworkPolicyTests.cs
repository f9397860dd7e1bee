using Aspire.Hosting;
using k8s.Models;
using SecureFlow.AppHost.Publishing;
using SecureFlow.Publishing.Tests.Infrastructure;

namespace SecureFlow.Publishing.Tests.Kubernetes;

/// <summary>The namespace denies everything, then opens one path per edge of the model's graph, and nothing else.</summary>
public sealed class NetworkPolicyTests
{
    [Fact]
    public void PoliciesOpenExactlyTheEdgesOfTheModel()
    {
        var policies = Policies(SampleModel.Create());

        Assert.Equal(
        [
            "allow-dns: all pods -> Egress",
            "default-deny: all pods -> Ingress,Egress",
            "identity-issuer-egress: identity-issuer -> Egress to 0.0.0.0/0:443",
            "identity-issuer-to-vault: identity-issuer -> Egress to 10.240.4.32/28:443",
            "ingress-from-edge: ingress -> Ingress from 10.240.5.0/24:8443",
            "ingress-to-workload: ingress -> Egress to workload:8443",
            "orders-from-workload: orders -> Ingress from workload:8443",
            "workload-egress: workload -> Egress to 0.0.0.0/0:443",
            "workload-from-ingress: workload -> Ingress from ingress:8443",
            "workload-to-orders: workload -> Egress to orders:8443",
            "workload-to-vault: workload -> Egress to 10.240.4.32/28:443",
        ], policies);
    }

    [Fact]
    public void ANewCallBetweenServicesInTheModelOpensExactlyThatPath()
    {
        var before = Policies(SampleModel.Create());

        var after = Policies(SampleModel.Create((builder, _) =>
            builder.CreateResourceBuilder<Aspire.Hosting.ApplicationModel.ProjectResource>("orders").WithCallsTo(builder.AddProject<Projects.SecureFlow_Orders>("stock"))));

        Assert.Equal(["orders-to-stock: orders -> Egress to stock:8080", "stock-from-orders: stock -> Ingress from orders:8080"], after.Except(before));
        Assert.Empty(before.Except(after));
    }

    [Fact]
    public void ANewRouteInTheModelOpensExactlyThatPath()
    {
        var before = Policies(SampleModel.Create());

        var after = Policies(SampleModel.Create((builder, ingress) =>
            ingress.WithRoute("api.aks-ingress.secureflow.localhost", builder.AddProject<Projects.SecureFlow_Workload>("api"))));

        Assert.Equal(["api-from-ingress: api -> Ingress from ingress:8080", "ingress-to-api: ingress -> Egress to api:8080"], after.Except(before));
        Assert.Empty(before.Except(after));
    }

    [Fact]
    public void AServiceWithoutDeclaredEgressGetsNoPathOut()
    {
        var policies = Policies(SampleModel.Create((builder, ingress) =>
            ingress.WithRoute("api.aks-ingress.secureflow.localhost", builder.AddProject<Projects.SecureFlow_Workload>("api"))));

        Assert.DoesNotContain(policies, policy => policy.StartsWith("api-egress", StringComparison.Ordinal));
        Assert.Contains(policies, policy => policy.StartsWith("workload-egress", StringComparison.Ordinal));
    }

    private static List<string> Policies(Aspire.Hosting.IDistributedApplicationBuilder builder) =>
        [.. AzdArtifacts.Generate(builder.Resources)
            .Where(artifact => artifact.Path.StartsWith("deploy/", StringComparison.Ordinal))
            .SelectMany(artifact => StrictManifests.Load(artifact.Text))
            .OfType<V1NetworkPolicy>()
            .Select(Describe)
            .Order(StringComparer.Ordinal)];

    private static string Describe(V1NetworkPolicy policy)
    {
        var pods = policy.Spec.PodSelector.MatchLabels?["app.kubernetes.io/name"] ?? "all pods";
        var ingress = policy.Spec.Ingress?.SelectMany(rule => rule.FromProperty.SelectMany(peer => rule.Ports.Select(port => $"Ingress from {Peer(peer)}:{port.Port.Value}"))) ?? [];
        var egress = policy.Spec.Egress?.Where(rule => rule.Ports.All(port => port.Port.Value != "53"))
            .SelectMany(rule => rule.To.SelectMany(peer => rule.Ports.Select(port => $"Egress to {Peer(peer)}:{port.Port.Value}"))) ?? [];
        var rules = ingress.Concat(egress).ToList();
        return $"{policy.Metadata.Name}: {pods} -> {(rules.Count == 0 ? string.Join(',', policy.Spec.PolicyTypes) : string.Join("; ", rules))}";
    }

    private static string Peer(V1NetworkPolicyPeer peer) => peer.IpBlock?.Cidr ?? peer.PodSelector.MatchLabels["app.kubernetes.io/name"];
}
