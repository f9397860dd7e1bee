using k8s;
using SecureFlow.AppHost.Publishing.Kubernetes;

namespace SecureFlow.Publishing.Tests.Infrastructure;

/// <summary>Manifests loaded the strict way: KubernetesClient's model types, unknown fields are errors.</summary>
internal static class StrictManifests
{
    /// <summary>The client's built-in kinds plus the CSI driver's SecretProviderClass.</summary>
    private static readonly Dictionary<string, Type> Kinds = new(StringComparer.Ordinal)
    {
        ["v1/Namespace"] = typeof(k8s.Models.V1Namespace),
        ["v1/ServiceAccount"] = typeof(k8s.Models.V1ServiceAccount),
        ["v1/Service"] = typeof(k8s.Models.V1Service),
        ["apps/v1/Deployment"] = typeof(k8s.Models.V1Deployment),
        ["networking.k8s.io/v1/NetworkPolicy"] = typeof(k8s.Models.V1NetworkPolicy),
        ["batch/v1/Job"] = typeof(k8s.Models.V1Job),
        ["batch/v1/CronJob"] = typeof(k8s.Models.V1CronJob),
        [$"{SecretProviderClass.KubeGroup}/{SecretProviderClass.KubeApiVersion}/{SecretProviderClass.KubeKind}"] = typeof(SecretProviderClass),
    };

    public static IList<object> Load(string template) =>
        KubernetesYaml.LoadAllFromString(AzdTemplate.Substitute(template, AzdTemplate.SampleEnvironment), Kinds, strict: true);
}
