using System.Net.Security;
using System.Security.Authentication;

namespace SecureFlow.ServiceDefaults.Tls;

/// <summary>
/// The model's TLS policy in the form Kestrel and <see cref="SslStream"/> take: protocols and cipher suites.
/// </summary>
public sealed class KestrelTlsPolicy
{
    /// <summary>
    /// The TLS 1.3 suites, as Application Gateway offers them. OpenSSL refuses every handshake when TLS 1.3 is on
    /// and a cipher suites policy names none, so they are always part of the policy.
    /// </summary>
    public static IReadOnlyList<TlsCipherSuite> Tls13CipherSuites { get; } =
        [TlsCipherSuite.TLS_AES_128_GCM_SHA256, TlsCipherSuite.TLS_AES_256_GCM_SHA384];

    private readonly CipherSuitesPolicy? _cipherSuitesPolicy;

    private KestrelTlsPolicy(SslProtocols protocols, IReadOnlyList<TlsCipherSuite> tls12CipherSuites)
    {
        Protocols = protocols;
        Tls12CipherSuites = tls12CipherSuites;
        if (!OperatingSystem.IsWindows())
        {
            _cipherSuitesPolicy = new CipherSuitesPolicy(AllowedCipherSuites);
        }
    }

    public SslProtocols Protocols { get; }

    public IReadOnlyList<TlsCipherSuite> Tls12CipherSuites { get; }

    /// <summary>Every suite a handshake may negotiate under this policy.</summary>
    public IEnumerable<TlsCipherSuite> AllowedCipherSuites =>
        (Protocols.HasFlag(SslProtocols.Tls12) ? Tls12CipherSuites : []).Concat(Tls13CipherSuites);

    /// <summary>Validates the options; a name that is not a TLS 1.2 suite stops the service with the reason.</summary>
    public static KestrelTlsPolicy FromOptions(TlsPolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        var protocols = options.MinimumProtocol switch
        {
            "Tls12" => SslProtocols.Tls12 | SslProtocols.Tls13,
            "Tls13" => SslProtocols.Tls13,
            _ => throw new InvalidOperationException(
                $"TLS policy: minimum protocol '{options.MinimumProtocol}' is not supported; use Tls12 or Tls13."),
        };

        var suites = new List<TlsCipherSuite>();
        foreach (var name in options.CipherSuites)
        {
            if (!Enum.TryParse<TlsCipherSuite>(name, ignoreCase: false, out var suite)
                || !Enum.IsDefined(suite)
                || !name.Contains("_WITH_", StringComparison.Ordinal))
            {
                throw new InvalidOperationException(
                    $"TLS policy: '{name}' is not a TLS 1.2 cipher suite IANA name (for example TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256).");
            }

            suites.Add(suite);
        }

        if (protocols.HasFlag(SslProtocols.Tls12) && suites.Count == 0)
        {
            throw new InvalidOperationException("TLS policy: TLS 1.2 is enabled but no TLS 1.2 cipher suite is allowed.");
        }

        return new KestrelTlsPolicy(protocols, suites);
    }

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
