using System.Net.Security;
using System.Security.Authentication;
using SecureFlow.ServiceDefaults.Tls;

namespace SecureFlow.ServiceDefaults.Tests.Tls;

public sealed class KestrelTlsPolicyTests
{
    [Fact]
    public void Tls12MinimumEnablesTls12AndTls13Only()
    {
        var policy = KestrelTlsPolicy.FromOptions(new TlsPolicyOptions { CipherSuites = ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"] });

        Assert.Equal(SslProtocols.Tls12 | SslProtocols.Tls13, policy.Protocols);
    }

    [Fact]
    public void AllowedSuitesAlwaysIncludeTls13SuitesSoThatOpenSslCanHandshake()
    {
        var policy = KestrelTlsPolicy.FromOptions(new TlsPolicyOptions { CipherSuites = ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"] });

        Assert.Equal(
            [TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TlsCipherSuite.TLS_AES_128_GCM_SHA256, TlsCipherSuite.TLS_AES_256_GCM_SHA384],
            policy.AllowedCipherSuites);
    }

    [Fact]
    public void Tls13MinimumNeedsNoTls12Suite()
    {
        var policy = KestrelTlsPolicy.FromOptions(new TlsPolicyOptions { MinimumProtocol = "Tls13" });

        Assert.Equal(SslProtocols.Tls13, policy.Protocols);
        Assert.Equal(KestrelTlsPolicy.Tls13CipherSuites, policy.AllowedCipherSuites);
    }

    [Theory]
    [InlineData("Tls11")]
    [InlineData("Ssl3")]
    [InlineData("")]
    public void MinimumBelowTls12IsRejected(string minimum)
    {
        var failure = Assert.Throws<InvalidOperationException>(() =>
            KestrelTlsPolicy.FromOptions(new TlsPolicyOptions { MinimumProtocol = minimum, CipherSuites = ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"] }));

        Assert.Contains("use Tls12 or Tls13", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ECDHE-RSA-AES128-GCM-SHA256")]
    [InlineData("TLS_AES_128_GCM_SHA256")]
    [InlineData("12345")]
    public void NameThatIsNotATls12SuiteIsRejectedWithTheName(string name)
    {
        var failure = Assert.Throws<InvalidOperationException>(() => KestrelTlsPolicy.FromOptions(new TlsPolicyOptions { CipherSuites = [name] }));

        Assert.Contains(name, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tls12WithoutAnySuiteIsRejected()
    {
        Assert.Throws<InvalidOperationException>(() => KestrelTlsPolicy.FromOptions(new TlsPolicyOptions()));
    }

    [Fact]
    public void ApplyRestrictsServerOptions()
    {
        var policy = KestrelTlsPolicy.FromOptions(new TlsPolicyOptions { CipherSuites = ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"] });
        var options = new SslServerAuthenticationOptions();

        policy.Apply(options);

        Assert.Equal(SslProtocols.Tls12 | SslProtocols.Tls13, options.EnabledSslProtocols);
        if (!OperatingSystem.IsWindows())
        {
            Assert.NotNull(options.CipherSuitesPolicy);
        }
    }
}
