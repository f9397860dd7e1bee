using SecureFlow.Contracts.Gateways;

namespace SecureFlow.AppHost.Gateways;

/// <summary>
/// Where the hop in front of a gateway connects from, and the client identity headers it sets itself: what the
/// gateway behind it may trust. Locally the edge is a process on loopback and sets what every SecureFlow gateway sets;
/// in Azure it is Application Gateway, in its subnet, and sets what its rewrite rules set.
/// </summary>
internal sealed record UpstreamHop(IReadOnlyList<string> Networks, IReadOnlyList<string> Headers)
{
    /// <summary>The local edge: SecureFlow.Gateway on this machine's loopback addresses.</summary>
    public static UpstreamHop Local { get; } = new(["127.0.0.0/8", "::1/128"], HopHeaders.SetByGateway);
}
