using Aspire.Hosting.ApplicationModel;
using k8s.Models;
using SecureFlow.AppHost.Publishing;
using SecureFlow.AppHost.Publishing.Kubernetes;
using SecureFlow.Publishing.Tests.Infrastructure;

namespace SecureFlow.Publishing.Tests.Kubernetes;

/// <summary>
/// The emitted NetworkPolicies, evaluated as Kubernetes does, against the model's graph: for every pair of the app's pods,
/// the App Gateway subnet, DNS, the vault's private endpoint, the firewall path out and the rest of the VNet, on every
/// port they use, exactly the connections the model uses are allowed and every other one is denied.
/// </summary>
public sealed class NetworkPolicyEvaluationTests
{
    private static readonly Endpoint ApplicationGateway = Endpoint.External("App Gateway subnet", "10.240.5.10");
    private static readonly Endpoint VaultPrivateEndpoint = Endpoint.External("vault private endpoint", "10.240.4.36");
    private static readonly Endpoint FirewallPath = Endpoint.External("a public host, through the firewall", "203.0.113.10");
    private static readonly Endpoint FirewallItself = Endpoint.External("the firewall itself", NetworkLayout.FirewallPrivateAddress);
    private static readonly Endpoint ClusterNode = Endpoint.External("a cluster node", "10.240.0.10");
    private static readonly Endpoint Dns = Endpoint.Pod("kube-dns", "192.168.200.10", "kube-system", new Dictionary<string, string> { ["k8s-app"] = "kube-dns" });
    private static readonly Endpoint Stranger = Endpoint.Pod("a pod of another namespace", "192.168.201.10", "default", new Dictionary<string, string> { ["app.kubernetes.io/name"] = "workload" });

    [Fact]
    public void ThePublishedPoliciesAllowExactlyTheConnectionsOfTheModel()
    {
        var builder = SampleModel.Create();
        var app = PublishedApp.From(builder.Resources);
        var policies = PoliciesOf(AzdArtifacts.Generate(builder.Resources).Select(artifact => (artifact.Path, artifact.Text)));

        AssertExactlyTheModel(app, policies);
    }

    [Fact]
    public void TheCommittedPoliciesAllowExactlyTheConnectionsOfTheModel()
    {
        var app = PublishedApp.From(SampleModel.Create().Resources);
        var files = Directory.EnumerateFiles(Path.Combine(Repository.Root, "deploy"), "networkpolicies*.tmpl.yaml", SearchOption.AllDirectories)
            .Select(file => ("deploy/" + Path.GetRelativePath(Path.Combine(Repository.Root, "deploy"), file), File.ReadAllText(file)));

        AssertExactlyTheModel(app, PoliciesOf(files));
    }

    [Fact]
    public void APolicyWithAConstructTheEvaluatorDoesNotKnowIsRefusedAtPublish()
    {
        var policy = new V1NetworkPolicy
        {
            Metadata = new V1ObjectMeta { Name = "by-expression", NamespaceProperty = PublishedApp.Namespace },
            Spec = new V1NetworkPolicySpec
            {
                PodSelector = new V1LabelSelector { MatchExpressions = [new V1LabelSelectorRequirement { Key = "app", OperatorProperty = "Exists" }] },
                PolicyTypes = ["Ingress"],
            },
        };

        var refused = Assert.Throws<InvalidOperationException>(() => NetworkPolicyConstructs.Require(policy));

        Assert.Contains("does not understand (matchExpressions)", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void APortRangeIsRefusedAtPublish()
    {
        var policy = new V1NetworkPolicy
        {
            Metadata = new V1ObjectMeta { Name = "range", NamespaceProperty = PublishedApp.Namespace },
            Spec = new V1NetworkPolicySpec
            {
                PodSelector = new V1LabelSelector(),
                PolicyTypes = ["Egress"],
                Egress = [new V1NetworkPolicyEgressRule { Ports = [new V1NetworkPolicyPort { Protocol = "TCP", Port = 8000, EndPort = 9000 }] }],
            },
        };

        Assert.Throws<InvalidOperationException>(() => NetworkPolicyConstructs.Require(policy));
    }

    private static List<V1NetworkPolicy> PoliciesOf(IEnumerable<(string Path, string Text)> artifacts) =>
        [.. artifacts.Where(artifact => artifact.Path.StartsWith("deploy/", StringComparison.Ordinal))
            .SelectMany(artifact => StrictManifests.Load(artifact.Text)).OfType<V1NetworkPolicy>()];

    private static void AssertExactlyTheModel(PublishedApp app, IReadOnlyList<V1NetworkPolicy> policies)
    {
        var pods = app.WorkloadIdentities.Select((pod, index) => (Name: pod, Endpoint: Endpoint.Pod(pod, $"192.168.1.{index + 10}", PublishedApp.Namespace, KubernetesManifests.Selector(pod))))
            .ToDictionary(pod => pod.Name, pod => pod.Endpoint);
        List<Endpoint> sources = [.. pods.Values, ApplicationGateway, Stranger];
        List<(Endpoint Endpoint, string Protocol, int Port)> destinations =
        [
            .. pods.Values.SelectMany(pod => new[] { PodPorts.GatewayHttps, PodPorts.ServiceHttp, PodPorts.ServiceMutualTls, PodPorts.Management }
                .Distinct().Select(port => (pod, "TCP", port))),
            (Dns, "UDP", 53), (Dns, "TCP", 53), (VaultPrivateEndpoint, "TCP", 443), (FirewallPath, "TCP", 443), (FirewallItself, "TCP", 443),
            (ClusterNode, "TCP", 443), (ApplicationGateway, "TCP", 443),
        ];

        // What the model uses, and nothing more (of the connections from or to the app's pods: the app's policies govern those).
        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var call in app.Calls)
        {
            var caller = call.Caller == app.Edge ? ApplicationGateway : pods[call.Caller.Name];
            expected.Add(Describe(caller, pods[call.Callee.Name], "TCP", PodPorts.Of(call.Callee)));
        }

        foreach (var pod in app.Pods)
        {
            expected.Add(Describe(pods[pod.Name], Dns, "UDP", 53));
            expected.Add(Describe(pods[pod.Name], Dns, "TCP", 53));
            if (app.ReadsVault(pod))
            {
                expected.Add(Describe(pods[pod.Name], VaultPrivateEndpoint, "TCP", 443));
            }

            // Entra ID's token endpoint for a workload identity, and the model's egress hosts: out through the firewall.
            if (app.ReadsVault(pod) || PublishedApp.EgressOf(pod).Count > 0)
            {
                expected.Add(Describe(pods[pod.Name], FirewallPath, "TCP", 443));
            }
        }

        // The identity issuer (a Job and a CronJob): the vault's private endpoint, Entra ID through the firewall, DNS; nothing reaches it.
        if (app.Issuer is { } issuer)
        {
            expected.UnionWith([
                Describe(pods[issuer.Name], Dns, "UDP", 53), Describe(pods[issuer.Name], Dns, "TCP", 53),
                Describe(pods[issuer.Name], VaultPrivateEndpoint, "TCP", 443), Describe(pods[issuer.Name], FirewallPath, "TCP", 443)]);
        }

        var evaluator = new NetworkPolicyEvaluator(policies);
        var allowed = sources.SelectMany(source => destinations.Where(destination => destination.Endpoint != source)
                .Where(destination => source.Namespace == PublishedApp.Namespace || destination.Endpoint.Namespace == PublishedApp.Namespace)
                .Where(destination => evaluator.Allows(source, destination.Endpoint, destination.Protocol, destination.Port))
                .Select(destination => Describe(source, destination.Endpoint, destination.Protocol, destination.Port)))
            .ToHashSet(StringComparer.Ordinal);

        var wrong = expected.Except(allowed).Select(missing => "the model uses, the policies block: " + missing)
            .Concat(allowed.Except(expected).Select(extra => "the policies allow, the model does not use: " + extra))
            .Order(StringComparer.Ordinal).ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        Assert.Contains(expected, connection => connection.StartsWith("workload -> orders", StringComparison.Ordinal));
        Assert.Contains(expected, connection => connection.StartsWith("identity-issuer -> vault private endpoint", StringComparison.Ordinal));
    }

    private static string Describe(Endpoint source, Endpoint destination, string protocol, int port) => $"{source.Name} -> {destination.Name} {protocol}/{port}";
}
