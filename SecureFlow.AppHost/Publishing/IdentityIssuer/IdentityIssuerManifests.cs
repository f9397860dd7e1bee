using System.Globalization;
using k8s.Models;
using SecureFlow.AppHost.Configuration;
using SecureFlow.AppHost.Publishing.Kubernetes;
using SecureFlow.Contracts.Identity;
using SecureFlow.Contracts.KeyVault;

namespace SecureFlow.AppHost.Publishing.IdentityIssuer;

/// <summary>
/// <c>deploy/identity-issuer/</c>: the issuer's service account (its workload identity), a Job that runs it at every
/// deploy (so the identities exist before the services' pods mount them; the CSI driver retries the mount until then)
/// and a daily CronJob (so every identity renews itself, with no one running azd), with the services' pod hardening,
/// and NetworkPolicies that let it reach the vault's private endpoint and Entra ID (through the firewall) only.
/// </summary>
internal static class IdentityIssuerManifests
{
    /// <summary>
    /// How long the deploy's finished Job stays (its logs with it). A Job's pod template cannot change, so the next
    /// deploy (a new image) can apply it only once this one is gone; the CronJob's runs are kept by its history limits.
    /// </summary>
    public const int FinishedJobSeconds = 120;

    public static IEnumerable<(string Name, IEnumerable<object> Resources)> Build(PublishedIdentityIssuer issuer)
    {
        var selector = KubernetesManifests.Selector(issuer.Name);
        yield return ("serviceaccount", [KubernetesManifests.ServiceAccount(issuer.Name)]);
        yield return ("job", [new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = new V1ObjectMeta { Name = issuer.Name, NamespaceProperty = PublishedApp.Namespace, Labels = selector },
            Spec = JobSpec(issuer, FinishedJobSeconds),
        }]);
        yield return ("cronjob", [new V1CronJob
        {
            ApiVersion = "batch/v1",
            Kind = "CronJob",
            Metadata = new V1ObjectMeta { Name = issuer.Name, NamespaceProperty = PublishedApp.Namespace, Labels = selector },
            Spec = new V1CronJobSpec
            {
                Schedule = PublishedIdentityIssuer.Schedule,
                TimeZone = "Etc/UTC",
                ConcurrencyPolicy = "Forbid",
                SuccessfulJobsHistoryLimit = 1,
                FailedJobsHistoryLimit = 3,
                JobTemplate = new V1JobTemplateSpec { Metadata = new V1ObjectMeta { Labels = selector }, Spec = JobSpec(issuer, finishedSeconds: null) },
            },
        }]);
        yield return ("networkpolicies", NetworkPolicies.ForIdentityIssuer(issuer.Name));
    }

    private static V1JobSpec JobSpec(PublishedIdentityIssuer issuer, int? finishedSeconds) => new()
    {
        BackoffLimit = 4,
        ActiveDeadlineSeconds = 600,
        TtlSecondsAfterFinished = finishedSeconds,
        Template = new V1PodTemplateSpec
        {
            Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string>(KubernetesManifests.Selector(issuer.Name)) { ["azure.workload.identity/use"] = "true" } },
            Spec = new V1PodSpec
            {
                ServiceAccountName = issuer.Name,
                AutomountServiceAccountToken = false,
                RestartPolicy = "OnFailure",
                SecurityContext = new V1PodSecurityContext
                {
                    RunAsNonRoot = true,
                    RunAsUser = 1654,
                    RunAsGroup = 1654,
                    SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
                },
                Containers =
                [
                    new V1Container
                    {
                        Name = issuer.Name,
                        Image = $"${{SERVICE_{issuer.Name.Replace('-', '_').ToUpperInvariant()}_IMAGE_NAME}}",
                        Env = [.. Environment(issuer).Select(variable => new V1EnvVar { Name = variable.Key, Value = Convert.ToString(variable.Value, CultureInfo.InvariantCulture) })],
                        Resources = new V1ResourceRequirements
                        {
                            Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("50m"), ["memory"] = new("96Mi") },
                            Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("250m"), ["memory"] = new("192Mi") },
                        },
                        SecurityContext = new V1SecurityContext
                        {
                            AllowPrivilegeEscalation = false,
                            ReadOnlyRootFilesystem = true,
                            Capabilities = new V1Capabilities { Drop = ["ALL"] },
                        },
                        VolumeMounts = [new V1VolumeMount { Name = "tmp", MountPath = "/tmp" }],
                    },
                ],
                Volumes = [new V1Volume { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource() }],
            },
        },
    };

    /// <summary>The issuer's configuration: who it is (its workload identity), its vault, and the model's identities.</summary>
    private static Dictionary<string, object> Environment(PublishedIdentityIssuer issuer)
    {
        var environment = new Dictionary<string, object> { ["OTEL_SERVICE_NAME"] = issuer.Name };

        // azd fills in the vault's URI when it deploys the manifest; the webhook injects the identity's client id and token.
        environment[ServiceConfiguration.Key<KeyVaultConnectionOptions>(options => options.Uri)] = "${AZURE_KEY_VAULT_ENDPOINT}";
        ServiceConfiguration.Write(environment, new ServiceIdentityOptions { Name = issuer.Name });
        ServiceConfiguration.Write(environment, issuer.Options());
        return environment;
    }
}
