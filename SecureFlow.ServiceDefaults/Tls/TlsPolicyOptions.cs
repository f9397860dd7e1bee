namespace SecureFlow.ServiceDefaults.Tls;

/// <summary>
/// The TLS policy as the app model hands it to a service (configuration section <c>Tls</c>).
/// </summary>
public sealed class TlsPolicyOptions
{
    public const string SectionName = "Tls";

    /// <summary><c>Tls12</c> or <c>Tls13</c>.</summary>
    public string MinimumProtocol { get; set; } = "Tls12";

    /// <summary>The TLS 1.2 cipher suites allowed, by IANA name (the names Application Gateway uses too).</summary>
    public List<string> CipherSuites { get; set; } = [];
}
