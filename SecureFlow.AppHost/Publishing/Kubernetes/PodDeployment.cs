using System.Globalization;
using k8s.Models;
using SecureFlow.AppHost.Configuration;
using SecureFlow.AppHost.Gateways;
using SecureFlow.AppHost.Networking;
using SecureFlow.Contracts.Gateways;
using SecureFlow.Contracts.Identity;
using SecureFlow.Contracts.KeyVault;
using SecureFlow.Contracts.Management;
using SecureFlow.Contracts.MutualTls;
using SecureFlow.Contracts;

namespace SecureFlow.AppHost.Publishing.Kubernetes;

/// <summary>
/// A service's Deployment, hardened the AKS baseline's way: two replicas on different nodes, non-root, read-only root
/// filesystem, every capability dropped, no service account token, probes on the management port, bounded resources.
/// </summary>
internal static class PodDeployment
{
    public static V1Deployment Build(PublishedApp app, ProjectResource pod)
    {
        var selector = KubernetesManifests.Selector(pod.Name);
        var labels = new Dictionary<string, string>(selector) { ["azure.workload.identity/use"] = "true" };
        List<V1Volume> volumes = [new V1Volume { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource() }];
        List<V1VolumeMount> mounts = [new V1VolumeMount { Name = "tmp", MountPath = "/tmp" }];
        if (KubernetesManifests.MountsCertificates(pod))
        {
            volumes.Add(new V1Volume
            {
                Name = "certificates",
                Csi = new V1CSIVolumeSource
                {
                    Driver = "secrets-store.csi.k8s.io",
                    ReadOnlyProperty = true,
                    VolumeAttributes = new Dictionary<string, string> { ["secretProviderClass"] = pod.Name + "-certificates" },
                },
            });
            mounts.Add(new V1VolumeMount { Name = "certificates", MountPath = KubernetesManifests.SecretsMountPath, ReadOnlyProperty = true });
        }

        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new V1ObjectMeta { Name = pod.Name, NamespaceProperty = PublishedApp.Namespace, Labels = selector },
            Spec = new V1DeploymentSpec
            {
                Replicas = 2,
                Selector = new V1LabelSelector { MatchLabels = selector },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels },
                    Spec = new V1PodSpec
                    {
                        ServiceAccountName = pod.Name,
                        AutomountServiceAccountToken = false,
                        SecurityContext = new V1PodSecurityContext
                        {
                            RunAsNonRoot = true,
                            RunAsUser = 1654,
                            RunAsGroup = 1654,
                            SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
                        },

                        // A node failure takes down one replica, never both.
                        Affinity = new V1Affinity
                        {
                            PodAntiAffinity = new V1PodAntiAffinity
                            {
                                RequiredDuringSchedulingIgnoredDuringExecution =
                                [
                                    new V1PodAffinityTerm { TopologyKey = "kubernetes.io/hostname", LabelSelector = new V1LabelSelector { MatchLabels = selector } },
                                ],
                            },
                        },
                        Containers = [Container(app, pod, mounts)],
                        Volumes = volumes,
                    },
                },
            },
        };
    }

    private static V1Container Container(PublishedApp app, ProjectResource pod, List<V1VolumeMount> mounts)
    {
        var port = pod is GatewayResource || ServiceGraph.ListensForMutualTls(pod)
            ? new V1ContainerPort { Name = "https", ContainerPort = PodPorts.Of(pod) }
            : new V1ContainerPort { Name = "http", ContainerPort = PodPorts.ServiceHttp };
        return new V1Container
        {
            Name = pod.Name,
            Image = $"${{SERVICE_{pod.Name.Replace('-', '_').ToUpperInvariant()}_IMAGE_NAME}}",
            Ports = [port, new V1ContainerPort { Name = "management", ContainerPort = PodPorts.Management }],
            Env = [.. Environment(app, pod).Select(variable => new V1EnvVar { Name = variable.Key, Value = Convert.ToString(variable.Value, CultureInfo.InvariantCulture) })],
            ReadinessProbe = Probe("/health"),
            LivenessProbe = Probe("/alive"),
            Resources = new V1ResourceRequirements
            {
                Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("100m"), ["memory"] = new("128Mi") },
                Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("500m"), ["memory"] = new("256Mi") },
            },
            SecurityContext = new V1SecurityContext
            {
                AllowPrivilegeEscalation = false,
                ReadOnlyRootFilesystem = true,
                Capabilities = new V1Capabilities { Drop = ["ALL"] },
            },
            VolumeMounts = mounts,
        };
    }

    /// <summary>
    /// In Azure the ingress's upstream is Application Gateway: it connects from its subnet (the ingress's Service keeps
    /// client addresses, <c>externalTrafficPolicy: Local</c>) and sets the forwarding headers of its rewrite rules.
    /// </summary>
    private static readonly UpstreamHop ApplicationGatewayHop = new([NetworkLayout.ApplicationGatewaySubnet], [.. ClientIdentityHeaders.SetByApplicationGateway.Keys]);

    /// <summary>The model's configuration for the pod: for a gateway the same keys run mode sets, with the CSI mount paths.</summary>
    private static Dictionary<string, object> Environment(PublishedApp app, ProjectResource pod)
    {
        var environment = new Dictionary<string, object> { ["OTEL_SERVICE_NAME"] = pod.Name };
        ServiceConfiguration.Write(environment, new ManagementOptions { Port = PodPorts.Management });
        if (pod is GatewayResource gateway)
        {
            GatewayConfiguration.Write(
                gateway, environment, MountedFiles(app), AzureHostName.InAzdTemplate, ApplicationGatewayHop, new GatewayListenerOptions { Address = "0.0.0.0", Port = PodPorts.GatewayHttps });
        }
        else
        {
            // A mutual TLS service listens on its TLS port and the management port only (MutualTls, Management).
            environment["ASPNETCORE_HTTP_PORTS"] = ServiceGraph.ListensForMutualTls(pod)
                ? PodPorts.Management.ToString(CultureInfo.InvariantCulture)
                : string.Create(CultureInfo.InvariantCulture, $"{PodPorts.ServiceHttp};{PodPorts.Management}");

            // A service the model grants vault objects to reads them itself, with its workload identity (the
            // webhook injects its client id and token); a gateway's certificates come through the CSI mount instead.
            if (app.ReadsVault(pod))
            {
                // azd fills in the vault's URI when it deploys the manifest.
                environment[ServiceConfiguration.Key<KeyVaultConnectionOptions>(options => options.Uri)] = "${AZURE_KEY_VAULT_ENDPOINT}";
                var secret = app.RoleAssignments.FirstOrDefault(assignment => assignment.Principal == pod.Name && assignment.Secret.Format == SecretFormat.Value);
                ServiceConfiguration.Write(environment, new KeyVaultConnectionOptions { SecretName = secret?.Secret.Name });
                ServiceConfiguration.Write(environment, new ServiceIdentityOptions { Name = pod.Name });
            }
        }

        WriteMutualTls(app, pod, environment);
        EgressConfiguration.Write(pod, environment);
        return environment;
    }

    /// <summary>
    /// The pod's mutual TLS identity from the CSI mount (one PEM file: key, certificate, root), refreshed as the driver
    /// rotates it; the callers the graph allows; the services it calls, each with the identity it must present.
    /// </summary>
    private static void WriteMutualTls(PublishedApp app, ProjectResource pod, Dictionary<string, object> environment)
    {
        ServiceConfiguration.Write(environment, ServiceGraph.CallsOf(pod));
        if (ServiceGraph.IdentityOf(pod) is not { } identity)
        {
            return;
        }

        var file = $"{KubernetesManifests.SecretsMountPath}/{identity.Certificate.Name}";
        var listens = ServiceGraph.ListensForMutualTls(pod);
        ServiceConfiguration.Write(environment, MutualTlsOptionsValidator.Instance.ThrowIfInvalid(new MutualTlsOptions
        {
            SpiffeId = identity.SpiffeId.ToString(),
            CertificatePath = file,
            KeyPath = file,
            TrustedRootPath = file,
            Port = listens ? PodPorts.ServiceMutualTls : null,
            Address = listens ? "0.0.0.0" : "localhost",
            AllowedCallers = listens ? [.. ServiceGraph.AllowedCallersOf(pod, [app.Edge, .. app.Pods])] : [],
        }));
        if (listens)
        {
            ServiceConfiguration.Write(environment, identity.TlsPolicy.ToOptions());
        }
    }

    /// <summary>The CSI driver writes each secret to a file named after it: the PEM holds the certificate and its key.</summary>
    private static Func<CertificateResource, IssuedCertificateFiles> MountedFiles(PublishedApp app) => certificate =>
    {
        var file = $"{KubernetesManifests.SecretsMountPath}/{certificate.Name}";
        var root = app.Secrets.FirstOrDefault(secret => secret.Certificate == certificate && secret.Format == SecretFormat.TrustedRoot);
        return new IssuedCertificateFiles(file, file, root is null ? "" : $"{KubernetesManifests.SecretsMountPath}/{root.Name}");
    };

    private static V1Probe Probe(string path) => new()
    {
        HttpGet = new V1HTTPGetAction { Path = path, Port = "management" },
        PeriodSeconds = 10,
        FailureThreshold = 3,
    };
}
