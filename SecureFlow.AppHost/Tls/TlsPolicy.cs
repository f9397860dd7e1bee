using System.Net.Security;
using SecureFlow.ServiceDefaults.Tls;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The TLS policy of a listener, set once in the model: run mode hands it to the gateways' Kestrel, publish mode
/// turns it into Application Gateway's <c>sslPolicy</c> (<c>CustomV2</c>). SNI is always required.
/// </summary>
/// <param name="MinimumProtocol">The lowest version accepted; TLS 1.3 is always on.</param>
/// <param name="CipherSuites">The TLS 1.2 cipher suites allowed, by IANA name (Application Gateway's names too).</param>
public sealed record TlsPolicy(TlsProtocolVersion MinimumProtocol, IReadOnlyList<string> CipherSuites)
{
    /// <summary>
    /// The AKS baseline's policy: TLS 1.2 or later; for TLS 1.2 only ECDHE key exchange (forward secrecy) with
    /// AES-GCM (authenticated encryption), which removes CBC, RSA key exchange and SHA-1 suites.
    /// </summary>
    public static TlsPolicy Baseline { get; } = new(TlsProtocolVersion.Tls12,
    [
        nameof(TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384),
        nameof(TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256),
        nameof(TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384),
        nameof(TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256),
    ]);

    /// <summary>The policy as the services read it (configuration section <c>Tls</c>); fails on a name that is not a TLS 1.2 suite.</summary>
    public TlsPolicyOptions ToOptions()
    {
        var options = new TlsPolicyOptions { MinimumProtocol = MinimumProtocol.ToString(), CipherSuites = [.. CipherSuites] };
        try
        {
            KestrelTlsPolicy.FromOptions(options);
        }
        catch (InvalidOperationException exception)
        {
            throw new ArgumentException(exception.Message, exception);
        }

        return options;
    }
}
