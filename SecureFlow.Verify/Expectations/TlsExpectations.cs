using System.Net.Security;

namespace SecureFlow.Verify.Expectations;

/// <summary>The edge's TLS policy as a client sees it.</summary>
/// <param name="AcceptedProtocols">The protocol versions a handshake must succeed with (<c>TLSv1.2</c>, <c>TLSv1.3</c>).</param>
/// <param name="RefusedProtocols">The versions it must be refused with.</param>
/// <param name="Tls12CipherSuites">The TLS 1.2 suites the policy allows, by IANA name; every other one must be refused.</param>
/// <param name="Tls13CipherSuites">The TLS 1.3 suites the policy allows.</param>
/// <param name="SniRequired">Whether a handshake without SNI, or for a name the edge has no certificate for, is refused.</param>
public sealed record TlsExpectations(
    IReadOnlyList<string> AcceptedProtocols,
    IReadOnlyList<string> RefusedProtocols,
    IReadOnlyList<TlsCipherSuite> Tls12CipherSuites,
    IReadOnlyList<TlsCipherSuite> Tls13CipherSuites,
    bool SniRequired);
