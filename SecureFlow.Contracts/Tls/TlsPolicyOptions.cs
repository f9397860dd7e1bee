using System.Net.Security;

namespace SecureFlow.Contracts.Tls;

/// <summary>The TLS policy of a listener as the app model hands it to a service (section <c>Tls</c>).</summary>
public sealed class TlsPolicyOptions : IServiceOptions
{
    public static string SectionName => "Tls";

    public TlsProtocolVersion MinimumProtocol { get; set; } = TlsProtocolVersion.Tls12;

    /// <summary>The TLS 1.2 cipher suites allowed, by IANA name (the names Application Gateway uses too).</summary>
    public List<TlsCipherSuite> Tls12CipherSuites { get; set; } = [];

    /// <summary>
    /// The TLS 1.3 cipher suites allowed. OpenSSL refuses every handshake when TLS 1.3 is on and a cipher suites policy
    /// names none, so at least one is required.
    /// </summary>
    public List<TlsCipherSuite> Tls13CipherSuites { get; set; } = [];
}
