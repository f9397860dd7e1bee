namespace SecureFlow.Gateway.Configuration;

/// <summary>
/// One gateway hop as the app model describes it (configuration section <c>Gateway</c>). Routes and clusters are
/// YARP's own configuration (section <c>ReverseProxy</c>); the TLS policy is section <c>Tls</c>.
/// </summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>The hop's name in hop records, logs and metrics (for example <c>edge</c> or <c>ingress</c>).</summary>
    public string Name { get; set; } = "gateway";

    /// <summary>The TLS listener. There is no plaintext listener for traffic.</summary>
    public ListenerOptions Https { get; set; } = new();

    /// <summary>The certificates this hop serves, chosen by the SNI name of each handshake.</summary>
    public Dictionary<string, CertificateFileOptions> Certificates { get; set; } = [];

    /// <summary>
    /// How often the certificates are read again (new Key Vault versions, changed files). Application Gateway polls
    /// Key Vault every 4 hours; the model sets a much shorter interval locally.
    /// </summary>
    public TimeSpan CertificateRefreshInterval { get; set; } = TimeSpan.FromHours(4);

    /// <summary>Send Strict-Transport-Security (the public edge does; an internal hop has no browser clients).</summary>
    public bool Hsts { get; set; }

    /// <summary>
    /// Whether hop records and forwarded headers that arrive with a request come from a hop this gateway trusts.
    /// The public edge does not: a client must not be able to forge the path its request took.
    /// </summary>
    public bool TrustUpstreamHops { get; set; }
}

public sealed class ListenerOptions
{
    /// <summary><c>localhost</c> (loopback, the local default) or an IP address such as <c>0.0.0.0</c> in a pod.</summary>
    public string Address { get; set; } = "localhost";

    public int Port { get; set; }

    /// <summary>How long a client may take to send its ClientHello and finish the handshake.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// A certificate and its private key: from Key Vault (<see cref="FromKeyVault"/>, downloaded with the gateway's own
/// identity) or as PEM files, the shape the Secrets Store CSI driver mounts.
/// </summary>
public sealed class CertificateFileOptions
{
    /// <summary>Download the Key Vault certificate of this entry's name, with its private key.</summary>
    public bool FromKeyVault { get; set; }

    public string CertificatePath { get; set; } = "";

    public string KeyPath { get; set; } = "";
}
