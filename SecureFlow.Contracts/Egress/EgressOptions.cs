namespace SecureFlow.Contracts.Egress;

/// <summary>
/// The destinations outside the cluster the app model allows a service (section <c>Egress</c>): what its outbound
/// calls may name. The egress firewall, not the service, enforces them.
/// </summary>
public sealed class EgressOptions : IServiceOptions
{
    public static string SectionName => "Egress";

    /// <summary>Destinations as the model writes them (<see cref="EgressDestination"/>): <c>api.example.org</c>, <c>*.contoso.com</c>.</summary>
    public List<string> Destinations { get; set; } = [];
}
