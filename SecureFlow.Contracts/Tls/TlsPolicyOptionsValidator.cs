using System.Net.Security;

namespace SecureFlow.Contracts.Tls;

/// <summary>The one check of a TLS policy: run by the model when it is set and by the service at start.</summary>
public sealed class TlsPolicyOptionsValidator : ServiceOptionsValidator<TlsPolicyOptions>
{
    public static TlsPolicyOptionsValidator Instance { get; } = new();

    protected override void Check(TlsPolicyOptions options, ValidationFailures failures)
    {
        failures.Require(Enum.IsDefined(options.MinimumProtocol), $"TLS policy: minimum protocol '{options.MinimumProtocol}' is not supported; use Tls12 or Tls13.");
        foreach (var suite in options.Tls12CipherSuites)
        {
            failures.Require(IsTls12(suite), $"TLS policy: '{suite}' is not a TLS 1.2 cipher suite IANA name (for example TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256).");
        }

        foreach (var suite in options.Tls13CipherSuites)
        {
            failures.Require(IsTls13(suite), $"TLS policy: '{suite}' is not a TLS 1.3 cipher suite IANA name (for example TLS_AES_128_GCM_SHA256).");
        }

        failures.Require(options.MinimumProtocol != TlsProtocolVersion.Tls12 || options.Tls12CipherSuites.Count > 0,
            "TLS policy: TLS 1.2 is enabled but no TLS 1.2 cipher suite is allowed.");
        failures.Require(options.Tls13CipherSuites.Count > 0,
            "TLS policy: TLS 1.3 is always on and needs at least one TLS 1.3 cipher suite (TLS_AES_128_GCM_SHA256).");
    }

    private static bool IsTls12(TlsCipherSuite suite) => Enum.IsDefined(suite) && suite.ToString().Contains("_WITH_", StringComparison.Ordinal);

    /// <summary>RFC 8446 §B.4: TLS 1.3 suites name only the AEAD and the hash.</summary>
    private static bool IsTls13(TlsCipherSuite suite) => suite is TlsCipherSuite.TLS_AES_128_GCM_SHA256 or TlsCipherSuite.TLS_AES_256_GCM_SHA384
        or TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256 or TlsCipherSuite.TLS_AES_128_CCM_SHA256 or TlsCipherSuite.TLS_AES_128_CCM_8_SHA256;
}
