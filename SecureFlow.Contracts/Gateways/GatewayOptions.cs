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
    /// The networks (CIDR, e.g. <c>10.240.5.0/24</c>) of the hop in front of this one. From a client there, this
    /// gateway keeps the headers of <see cref="TrustedUpstreamHeaders"/> that arrive with a request and appends its own;
    /// from anywhere else, it drops them as it drops every other client identity header. Empty (the public edge):
    /// nobody upstream is trusted, and no client can forge the path its request took.
    /// </summary>
    public List<string> TrustedUpstreamNetworks { get; set; } = [];

    /// <summary>
    /// The client identity headers the trusted upstream hop sets itself (for example <c>X-Forwarded-For</c> and the
    /// hop record): only these pass, and only from <see cref="TrustedUpstreamNetworks"/>.
    /// </summary>
    public List<string> TrustedUpstreamHeaders { get; set; } = [];

    /// <summary>
    /// Request headers that carry a client's identity or the original request (<c>Forwarded</c>, <c>X-Real-IP</c>, ...):
    /// the hop drops every one that arrives, except the trusted upstream's own, and sets only those it vouches for.
    /// </summary>
    public List<string> ClientIdentityHeaders { get; set; } = [];

    /// <summary>Where requests go, by route name: YARP routes and clusters are built from these.</summary>
    public Dictionary<string, GatewayRouteOptions> Routes { get; set; } = [];
}
