using System.Net.Security;
using SecureFlow.Contracts;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The TLS policy of a listener, set once in the model: run mode hands it to the gateways' Kestrel
/// (<see cref="TlsPolicyOptions"/>), publish mode turns it into Application Gateway's <c>sslPolicy</c> (<c>CustomV2</c>).
/// SNI is always required.
/// </summary>
/// <param name="MinimumProtocol">The lowest version accepted; TLS 1.3 is always on.</param>
/// <param name="Tls12CipherSuites">The TLS 1.2 cipher suites allowed, by IANA name (Application Gateway's names too).</param>
public sealed record TlsPolicy(TlsProtocolVersion MinimumProtocol, IReadOnlyList<TlsCipherSuite> Tls12CipherSuites)
{
    /// <summary>
    /// The AKS baseline's policy: TLS 1.2 or later; for TLS 1.2 only ECDHE key exchange (forward secrecy) with
    /// AES-GCM (authenticated encryption), which removes CBC, RSA key exchange and SHA-1 suites.
    /// </summary>
    public static TlsPolicy Baseline { get; } = new(TlsProtocolVersion.Tls12,
    [
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    ]);

    /// <summary>
    /// The TLS 1.3 suites, as Application Gateway's CustomV2 policy offers them: AES-GCM only. OpenSSL refuses every
    /// handshake when TLS 1.3 is on and a policy names none, so there is always at least one.
    /// </summary>
    public IReadOnlyList<TlsCipherSuite> Tls13CipherSuites { get; init; } =
        [TlsCipherSuite.TLS_AES_128_GCM_SHA256, TlsCipherSuite.TLS_AES_256_GCM_SHA384];

    /// <summary>The suites a handshake may negotiate, in the order Application Gateway lists them: TLS 1.3, then TLS 1.2.</summary>
    public IEnumerable<TlsCipherSuite> CipherSuites =>
        MinimumProtocol == TlsProtocolVersion.Tls13 ? Tls13CipherSuites : Tls13CipherSuites.Concat(Tls12CipherSuites);

    /// <summary>The policy as the services bind it, refused with the services' own validator's message if they would refuse it.</summary>
    public TlsPolicyOptions ToOptions() => TlsPolicyOptionsValidator.Instance.ThrowIfInvalid(new TlsPolicyOptions
    {
        MinimumProtocol = MinimumProtocol,
        Tls12CipherSuites = [.. Tls12CipherSuites],
        Tls13CipherSuites = [.. Tls13CipherSuites],
    });
}
