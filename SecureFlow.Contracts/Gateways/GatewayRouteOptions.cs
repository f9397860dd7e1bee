namespace SecureFlow.Contracts.Gateways;

/// <summary>
/// Requests for <see cref="Hosts"/> go to <see cref="Destination"/>; with <see cref="DestinationHost"/> they carry that
/// Host and SNI, and with a trusted root the hop trusts only that root for the destination's certificate.
/// </summary>
public sealed class GatewayRouteOptions
{
    /// <summary>The host names the route matches (a Host header, or <c>*.</c> wildcards).</summary>
    public List<string> Hosts { get; set; } = [];

    /// <summary>The destination's address, resolved by service discovery: <c>https://ingress</c>, <c>http://workload</c>.</summary>
    public string Destination { get; set; } = "";

    /// <summary>The Host and SNI name sent to the destination; empty keeps the client's Host.</summary>
    public string? DestinationHost { get; set; }

    /// <summary>A PEM file with the one root trusted for the destination's certificate (local, or the CSI mount).</summary>
    public string? TrustedRootCertificatePath { get; set; }

    /// <summary>A Key Vault secret with the one root trusted for the destination's certificate, read with the gateway's identity.</summary>
    public string? TrustedRootSecretName { get; set; }
}
