using System.Net.Security;
using System.Security.Authentication;
using SecureFlow.Contracts.Tls;

namespace SecureFlow.ServiceDefaults.Tls;

/// <summary>
/// The model's TLS policy (<see cref="TlsPolicyOptions"/>, validated at the service's start) in the form Kestrel and
/// <see cref="SslStream"/> take: protocols and cipher suites.
/// </summary>
public sealed class KestrelTlsPolicy
{
    private readonly CipherSuitesPolicy? _cipherSuitesPolicy;

    public KestrelTlsPolicy(TlsPolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        Protocols = options.MinimumProtocol == TlsProtocolVersion.Tls13 ? SslProtocols.Tls13 : SslProtocols.Tls12 | SslProtocols.Tls13;
        Tls12CipherSuites = Protocols.HasFlag(SslProtocols.Tls12) ? [.. options.Tls12CipherSuites] : [];
        Tls13CipherSuites = [.. options.Tls13CipherSuites];
        if (!OperatingSystem.IsWindows())
        {
            _cipherSuitesPolicy = new CipherSuitesPolicy(AllowedCipherSuites);
        }
    }

    public SslProtocols Protocols { get; }

    /// <summary>The policy's cipher suites for an <see cref="SslStream"/> of either side (null on Windows, where the OS sets them).</summary>
    public CipherSuitesPolicy? CipherSuitesPolicy => _cipherSuitesPolicy;

    public IReadOnlyList<TlsCipherSuite> Tls12CipherSuites { get; }

    public IReadOnlyList<TlsCipherSuite> Tls13CipherSuites { get; }

    /// <summary>Every suite a handshake may negotiate under this policy.</summary>
    public IEnumerable<TlsCipherSuite> AllowedCipherSuites => Tls12CipherSuites.Concat(Tls13CipherSuites);

    /// <summary>Restricts a server handshake to this policy.</summary>
    public void Apply(SslServerAuthenticationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        options.EnabledSslProtocols = Protocols;
        if (!OperatingSystem.IsWindows())
        {
            options.CipherSuitesPolicy = _cipherSuitesPolicy;
        }
    }

    /// <summary>
    /// Whether this process enforces the cipher suites itself. On Windows cipher suites are an OS setting
    /// (Schannel), so a service there warns instead of failing.
    /// </summary>
    public static bool EnforcesCipherSuites => !OperatingSystem.IsWindows();
}
