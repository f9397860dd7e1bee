namespace SecureFlow.Contracts.ServiceGraph;

/// <summary>
/// The services this one calls (section <c>ServiceCalls</c>), by name, as the app model's graph states them
/// (<c>WithCallsTo</c>): a service calls no other service than these.
/// </summary>
public sealed class ServiceCallsOptions : IServiceOptions
{
    public static string SectionName => "ServiceCalls";

    public Dictionary<string, ServiceCallOptions> Services { get; set; } = new(StringComparer.Ordinal);
}
