using System.Net.Security;
using System.Security.Authentication;
using SecureFlow.ServiceDefaults.Tls;

namespace SecureFlow.ServiceDefaults.Tests.Tls;

public sealed class KestrelTlsPolicyTests
{
    private static readonly TlsCipherSuite[] Tls13 = [TlsCipherSuite.TLS_AES_128_GCM_SHA256, TlsCipherSuite.TLS_AES_256_GCM_SHA384];

    private static TlsPolicyOptions Options(TlsProtocolVersion minimum = TlsProtocolVersion.Tls12) => new()
    {
        MinimumProtocol = minimum,
        Tls12CipherSuites = [TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256],
        Tls13CipherSuites = [.. Tls13],
    };

    [Fact]
    public void Tls12MinimumEnablesTls12AndTls13Only()
    {
        Assert.Equal(SslProtocols.Tls12 | SslProtocols.Tls13, new KestrelTlsPolicy(Options()).Protocols);
    }

    [Fact]
    public void AllowedSuitesAreThePolicysTls12AndTls13Suites()
    {
        Assert.Equal([TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, .. Tls13], new KestrelTlsPolicy(Options()).AllowedCipherSuites);
    }

    [Fact]
    public void Tls13MinimumNeverOffersATls12Suite()
    {
        var policy = new KestrelTlsPolicy(Options(TlsProtocolVersion.Tls13));

        Assert.Equal(SslProtocols.Tls13, policy.Protocols);
        Assert.Equal(Tls13, policy.AllowedCipherSuites);
    }

    [Fact]
    public void ApplyRestrictsServerOptions()
    {
        var options = new SslServerAuthenticationOptions();

        new KestrelTlsPolicy(Options()).Apply(options);

        Assert.Equal(SslProtocols.Tls12 | SslProtocols.Tls13, options.EnabledSslProtocols);
        if (!OperatingSystem.IsWindows())
        {
            Assert.NotNull(options.CipherSuitesPolicy);
        }
    }
}
