using Microsoft.Extensions.Configuration;
using k8s.Models;
using SecureFlow.AppHost.Publishing.Kubernetes;
using SecureFlow.Publishing.Tests.Infrastructure;

namespace SecureFlow.Publishing.Tests.Kubernetes;

/// <summary>The published manifests are valid Kubernetes objects, hardened as the AKS baseline asks.</summary>
public sealed class ManifestTests
{
    [Fact]
    public async Task EveryManifestLoadsStrictlyAfterAzdSubstitution()
    {
        var published = await PublishedOutput.DirectoryAsync();
        var manifests = PublishedOutput.Files(published).Where(file => file.StartsWith("deploy/", StringComparison.Ordinal)).ToList();

        Assert.All(manifests, file => Assert.EndsWith(".tmpl.yaml", file, StringComparison.Ordinal));
        var kinds = manifests.SelectMany(file => StrictManifests.Load(File.ReadAllText(Path.Combine(published, file)))).Select(item => item.GetType().Name).Distinct();
        Assert.Equal(["SecretProviderClass", "V1CronJob", "V1Deployment", "V1Job", "V1Namespace", "V1NetworkPolicy", "V1Service", "V1ServiceAccount"], kinds.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void StrictLoadingRejectsAFieldKubernetesDoesNotKnow()
    {
        const string Misspelt = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  replicaz: 2\n";

        Assert.ThrowsAny<Exception>(() => StrictManifests.Load(Misspelt));
    }

    [Fact]
    public async Task DeploymentsRunTwoNonRootReadOnlyReplicasOnDifferentNodesWithoutTokensOrCapabilities()
    {
        var deployments = await LoadAsync<V1Deployment>();

        Assert.Equal(["ingress", "orders", "workload"], deployments.Select(deployment => deployment.Metadata.Name));
        Assert.All(deployments, deployment =>
        {
            var pod = deployment.Spec.Template.Spec;
            var container = Assert.Single(pod.Containers);
            Assert.Equal(2, deployment.Spec.Replicas);
            Assert.Equal("kubernetes.io/hostname", Assert.Single(pod.Affinity.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution).TopologyKey);
            Assert.False(pod.AutomountServiceAccountToken);
            Assert.Equal(deployment.Metadata.Name, pod.ServiceAccountName);
            Assert.True(pod.SecurityContext.RunAsNonRoot);
            Assert.Equal("true", deployment.Spec.Template.Metadata.Labels["azure.workload.identity/use"]);
            Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
            Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
            Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
            Assert.Equal("management", container.ReadinessProbe.HttpGet.Port.Value);
            Assert.Equal("management", container.LivenessProbe.HttpGet.Port.Value);
            Assert.NotNull(container.Resources.Limits["memory"]);
            Assert.NotNull(container.Resources.Requests["cpu"]);
        });
    }

    [Fact]
    public async Task TheIdentityIssuerRunsAtDeployAndDailyAsItselfHardenedAsThePods()
    {
        var job = Assert.Single(await LoadAsync<V1Job>());
        var cronJob = Assert.Single(await LoadAsync<V1CronJob>());
        var account = (await LoadAsync<V1ServiceAccount>()).Single(candidate => candidate.Metadata.Name == "identity-issuer");

        Assert.Equal("17 3 * * *", cronJob.Spec.Schedule);
        Assert.Equal("Forbid", cronJob.Spec.ConcurrencyPolicy);
        Assert.Equal("00000000-0000-0000-0000-000000000007", account.Metadata.Annotations["azure.workload.identity/client-id"]);
        Assert.False(account.AutomountServiceAccountToken);
        foreach (var (spec, labels) in new[] { (job.Spec, job.Spec.Template.Metadata.Labels), (cronJob.Spec.JobTemplate.Spec, cronJob.Spec.JobTemplate.Spec.Template.Metadata.Labels) })
        {
            var pod = spec.Template.Spec;
            var container = Assert.Single(pod.Containers);
            Assert.Equal("identity-issuer", pod.ServiceAccountName);
            Assert.Equal("true", labels["azure.workload.identity/use"]);
            Assert.False(pod.AutomountServiceAccountToken);
            Assert.True(pod.SecurityContext.RunAsNonRoot);
            Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
            Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
            Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
            Assert.Null(container.Ports);
            Assert.Equal("crabc.azurecr.io/secureflow/identity-issuer-dev:azd-deploy-1", container.Image);

            // What the issuer binds from its manifest passes its own validator and names every identity of the model.
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(container.Env.Select(variable => KeyValuePair.Create(variable.Name.Replace("__", ":", StringComparison.Ordinal), (string?)variable.Value)))
                .Build();
            var options = new SecureFlow.Contracts.IdentityIssuer.IdentityIssuerOptions();
            ConfigurationBinder.Bind(configuration.GetSection("IdentityIssuer"), options);
            Assert.True(SecureFlow.Contracts.IdentityIssuer.IdentityIssuerOptionsValidator.Instance.Validate(null, options).Succeeded);
            Assert.Equal(["orders-mtls", "workload-mtls", "ingress-mtls"], options.Identities.Select(identity => identity.CertificateName));
            Assert.Equal("spiffe://secureflow.localhost/ns/secureflow/sa/orders", options.Identities[0].SpiffeId);
            Assert.Equal("https://kv-abcdefghijklm.vault.azure.net/", configuration["KeyVault:Uri"]);
        }
    }

    [Fact]
    public async Task IngressServesTheModelsRoutesWithItsCertificateMountedFromKeyVault()
    {
        var ingress = (await LoadAsync<V1Deployment>()).Single(deployment => deployment.Metadata.Name == "ingress");
        var provider = (await LoadAsync<SecretProviderClass>()).Single(candidate => candidate.Metadata.Name == "ingress-certificates");
        var environment = Assert.Single(ingress.Spec.Template.Spec.Containers).Env.ToDictionary(variable => variable.Name, variable => variable.Value);

        Assert.Equal("workload.aks-ingress.contoso.com", environment["Gateway__Routes__workload__Hosts__0"]);
        Assert.Equal("/mnt/secrets-store/ingress-tls", environment["Gateway__Certificates__ingress-tls__CertificatePath"]);
        Assert.Equal("0.0.0.0", environment["Gateway__Https__Address"]);
        var volume = ingress.Spec.Template.Spec.Volumes.Single(candidate => candidate.Csi is not null);
        Assert.Equal(provider.Metadata.Name, volume.Csi.VolumeAttributes["secretProviderClass"]);
        Assert.Equal("00000000-0000-0000-0000-000000000002", provider.Spec.Parameters["clientID"]);
        Assert.Contains("objectName: ingress-tls\n", provider.Spec.Parameters["objects"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task IngressTrustsOnlyTheForwardingHeadersApplicationGatewaySetsAndOnlyFromItsSubnet()
    {
        var ingress = (await LoadAsync<V1Deployment>()).Single(deployment => deployment.Metadata.Name == "ingress");
        var environment = Assert.Single(ingress.Spec.Template.Spec.Containers).Env.ToDictionary(variable => variable.Name, variable => variable.Value);
        string[] Values(string key) => [.. environment.Where(variable => variable.Key.StartsWith(key + "__", StringComparison.Ordinal)).Select(variable => variable.Value)];

        Assert.Equal(["10.240.5.0/24"], Values("Gateway__TrustedUpstreamNetworks"));
        Assert.Equal(["X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host"], Values("Gateway__TrustedUpstreamHeaders"));

        // Application Gateway never sets a hop record (its rewrite rules remove a client's): the ingress drops any.
        Assert.Contains("SecureFlow-Hop", Values("Gateway__ClientIdentityHeaders"));
        Assert.DoesNotContain("SecureFlow-Hop", Values("Gateway__TrustedUpstreamHeaders"));
        Assert.DoesNotContain("Gateway__TrustUpstreamHops", environment.Keys);
    }

    [Fact]
    public async Task EachServiceKnowsTheEgressDestinationsTheFirewallAllowsIt()
    {
        var deployments = (await LoadAsync<V1Deployment>()).ToDictionary(deployment => deployment.Metadata.Name);
        string[] Destinations(string pod) => [.. Assert.Single(deployments[pod].Spec.Template.Spec.Containers).Env
            .Where(variable => variable.Name.StartsWith("Egress__Destinations__", StringComparison.Ordinal)).Select(variable => variable.Value)];

        // The same list run mode writes: without it the workload's /api/egress has no host to call in AKS.
        Assert.Equal(["api.example.org"], Destinations("workload"));
        Assert.Empty(Destinations("orders"));
        Assert.Empty(Destinations("ingress"));
    }

    [Fact]
    public async Task EveryInClusterHopIsMutualTlsWithEachPodsOwnIdentityMountedFromKeyVault()
    {
        var deployments = (await LoadAsync<V1Deployment>()).ToDictionary(deployment => deployment.Metadata.Name);
        var providers = (await LoadAsync<SecretProviderClass>()).ToDictionary(provider => provider.Metadata.Name);
        var services = (await LoadAsync<V1Service>()).ToDictionary(service => service.Metadata.Name);
        string Env(string pod, string name) => Assert.Single(deployments[pod].Spec.Template.Spec.Containers).Env.Single(variable => variable.Name == name).Value;

        Assert.Equal("https://workload", Env("ingress", "Gateway__Routes__workload__Destination"));
        Assert.Equal("spiffe://secureflow.localhost/ns/secureflow/sa/workload", Env("ingress", "ServiceCalls__Services__workload__SpiffeId"));
        Assert.Equal("https://orders", Env("workload", "ServiceCalls__Services__orders__Destination"));
        Assert.Equal("spiffe://secureflow.localhost/ns/secureflow/sa/orders", Env("workload", "ServiceCalls__Services__orders__SpiffeId"));
        Assert.Equal("spiffe://secureflow.localhost/ns/secureflow/sa/ingress", Env("workload", "MutualTls__AllowedCallers__0"));
        Assert.Equal("spiffe://secureflow.localhost/ns/secureflow/sa/workload", Env("orders", "MutualTls__AllowedCallers__0"));
        foreach (var pod in new[] { "ingress", "workload", "orders" })
        {
            Assert.Equal($"spiffe://secureflow.localhost/ns/secureflow/sa/{pod}", Env(pod, "MutualTls__SpiffeId"));
            Assert.Equal($"/mnt/secrets-store/{pod}-mtls", Env(pod, "MutualTls__CertificatePath"));
            Assert.Contains($"objectName: {pod}-mtls\n", providers[$"{pod}-certificates"].Spec.Parameters["objects"], StringComparison.Ordinal);
        }

        foreach (var service in new[] { "workload", "orders" })
        {
            Assert.Equal("8443", Env(service, "MutualTls__Port"));
            Assert.Equal(8443, Assert.Single(deployments[service].Spec.Template.Spec.Containers).Ports.Single(port => port.Name == "https").ContainerPort);
            Assert.DoesNotContain(Assert.Single(deployments[service].Spec.Template.Spec.Containers).Ports, port => port.Name == "http");
            Assert.Equal("https", Assert.Single(services[service].Spec.Ports).TargetPort.Value);
        }
    }

    [Fact]
    public async Task IngressIsAnInternalLoadBalancerReachableOnlyFromTheGatewaySubnet()
    {
        var ingress = (await LoadAsync<V1Service>()).Single(service => service.Metadata.Name == "ingress");

        Assert.Equal("LoadBalancer", ingress.Spec.Type);
        Assert.Equal("true", ingress.Metadata.Annotations["service.beta.kubernetes.io/azure-load-balancer-internal"]);
        Assert.Equal("snet-clusteringressservices", ingress.Metadata.Annotations["service.beta.kubernetes.io/azure-load-balancer-internal-subnet"]);
        Assert.Equal("10.240.4.4", ingress.Metadata.Annotations["service.beta.kubernetes.io/azure-load-balancer-ipv4"]);
        Assert.Equal(["10.240.5.0/24"], ingress.Spec.LoadBalancerSourceRanges);
        Assert.Equal(443, Assert.Single(ingress.Spec.Ports).Port);
    }

    [Fact]
    public async Task ServiceAccountsCarryTheirIdentitysClientId()
    {
        var accounts = await LoadAsync<V1ServiceAccount>();

        Assert.Equal(
            ["identity-issuer=00000000-0000-0000-0000-000000000007", "ingress=00000000-0000-0000-0000-000000000002", "orders=00000000-0000-0000-0000-000000000005", "workload=00000000-0000-0000-0000-000000000003"],
            accounts.Select(account => $"{account.Metadata.Name}={account.Metadata.Annotations["azure.workload.identity/client-id"]}"));
    }

    private static async Task<List<T>> LoadAsync<T>()
    {
        var published = await PublishedOutput.DirectoryAsync();
        return [.. PublishedOutput.Files(published).Where(file => file.StartsWith("deploy/", StringComparison.Ordinal))
            .SelectMany(file => StrictManifests.Load(File.ReadAllText(Path.Combine(published, file)))).OfType<T>()];
    }
}
