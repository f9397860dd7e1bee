namespace SecureFlow.Contracts.Management;

/// <summary>The plain listener that serves health endpoints and nothing else (section <c>Management</c>).</summary>
public sealed class ManagementOptions : IServiceOptions
{
    public static string SectionName => "Management";

    /// <summary>When set, <c>/health</c> and <c>/alive</c> answer on this port only, never on a public listener.</summary>
    public int? Port { get; set; }
}
