namespace SecureFlow.Contracts.ServiceGraph;

/// <summary>One service this one calls.</summary>
public sealed class ServiceCallOptions
{
    /// <summary>The service's address, resolved by service discovery (in Kubernetes: its Service): <c>https://orders</c>.</summary>
    public string Destination { get; set; } = "";

    /// <summary>The SPIFFE id the service must present over mutual TLS; null for a service that is not called over mutual TLS.</summary>
    public string? SpiffeId { get; set; }
}
