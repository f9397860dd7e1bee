using System.Text.Json.Serialization;

namespace SecureFlow.AppHost.Publishing.Kubernetes;

/// <summary>Which provider reads the secrets, and its parameters (the Azure provider's keys).</summary>
public sealed class SecretProviderClassSpec
{
    [JsonPropertyName("provider")]
    public string Provider { get; set; } = "azure";

    [JsonPropertyName("parameters")]
    public IDictionary<string, string> Parameters { get; set; } = new Dictionary<string, string>();
}
