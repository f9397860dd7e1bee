namespace SecureFlow.Contracts.Gateways;

/// <summary>One TLS-terminating hop as the app model describes it (section <c>Gateway</c>).</summary>
public sealed class GatewayOptions : IServiceOptions
{
    public static string SectionName => "Gateway";

    /// <summary>The hop's name in hop records, logs and metrics (for example <c>edge</c> or <c>ingress</c>).</summary>
    public string Name { get; set; } = "gateway";

    /// <summary>The TLS listener. There is no plaintext listener for traffic.</summary>
    public GatewayListenerOptions Https { get; set; } = new();

    /// <summary>The certificates this hop serves, by name, chosen by the SNI name of each handshake.</summary>
    public Dictionary<string, GatewayCertificateOptions> Certificates { get; set; } = [];

    /// <summary>
    /// How often the certificates are read again (new Key Vault versions, changed files). Application Gateway polls
    /// Key Vault every 4 hours; the model sets a much shorter interval locally.
    /// </summary>
    public TimeSpan CertificateRefreshInterval { get; set; } = TimeSpan.FromHours(4);

    /// <summary>
    /// The max-age of the Strict-Transport-Security header on every response; unset sends none (the public edge sends
    /// it, an internal hop has no browser clients).
    /// </summary>
    public TimeSpan? HstsMaxAge { get; set; }

    /// <summary>
    /// Whether hop records and forwarded headers that arrive with a request come from a hop this gateway trusts.
    /// The public edge does not: a client must not be able to forge the path its request took.
    /// </summary>
    public bool TrustUpstreamHops { get; set; }

    /// <summary>
    /// Request headers that carry a client's identity or the original request (<c>Forwarded</c>, <c>X-Real-IP</c>, ...):
    /// a hop that does not trust its upstream drops every one a client sent, and sets only those it vouches for.
    /// </summary>
    public List<string> ClientIdentityHeaders { get; set; } = [];

    /// <summary>Where requests go, by route name: YARP routes and clusters are built from these.</summary>
    public Dictionary<string, GatewayRouteOptions> Routes { get; set; } = [];
}
