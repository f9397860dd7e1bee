using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace SecureFlow.AppHost.Publishing.Kubernetes;

/// <summary>
/// The Secrets Store CSI driver's <c>SecretProviderClass</c> (<c>secrets-store.csi.x-k8s.io/v1</c>), which the
/// Kubernetes client has no model type for: the fields the Azure provider reads.
/// </summary>
public sealed class SecretProviderClass : IKubernetesObject<V1ObjectMeta>
{
    public const string KubeApiVersion = "v1";
    public const string KubeGroup = "secrets-store.csi.x-k8s.io";
    public const string KubeKind = "SecretProviderClass";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = KubeGroup + "/" + KubeApiVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KubeKind;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public SecretProviderClassSpec Spec { get; set; } = new();
}
