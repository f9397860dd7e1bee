namespace SecureFlow.Contracts.Identity;

/// <summary>
/// Who this service is (section <c>Identity</c>). Locally the AppHost sets <see cref="Name"/> and a
/// <see cref="LocalKey"/> for this service alone; in Azure <see cref="ClientId"/> names the managed or workload identity.
/// </summary>
public sealed class ServiceIdentityOptions : IServiceOptions
{
    public static string SectionName => "Identity";

    public string Name { get; set; } = "";

    /// <summary>The local signing key (base64). Never logged, never written to a file by the service.</summary>
    public string? LocalKey { get; set; }

    /// <summary>The client id of the user-assigned managed identity or the workload identity, in Azure.</summary>
    public string? ClientId { get; set; }
}
