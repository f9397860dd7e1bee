using System.Net.Security;
using SecureFlow.Contracts.Tls;

namespace SecureFlow.Contracts.Tests.Tls;

public sealed class TlsPolicyOptionsValidatorTests
{
    private static TlsPolicyOptions Policy(params TlsCipherSuite[] tls12) => new()
    {
        Tls12CipherSuites = [.. tls12],
        Tls13CipherSuites = [TlsCipherSuite.TLS_AES_128_GCM_SHA256],
    };

    [Fact]
    public void TheBaselineShapeIsValid()
    {
        Assert.True(TlsPolicyOptionsValidator.Instance.Validate(null, Policy(TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)).Succeeded);
    }

    [Theory]
    [InlineData(TlsCipherSuite.TLS_AES_128_GCM_SHA256)]
    [InlineData((TlsCipherSuite)12345)]
    public void WhatIsNotATls12SuiteIsRefusedByName(TlsCipherSuite suite)
    {
        var result = TlsPolicyOptionsValidator.Instance.Validate(null, Policy(suite));

        Assert.True(result.Failed);
        Assert.Contains($"'{suite}' is not a TLS 1.2 cipher suite", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void ATls12SuiteInTheTls13ListIsRefused()
    {
        var options = Policy(TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256);
        options.Tls13CipherSuites = [TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384];

        Assert.Contains("is not a TLS 1.3 cipher suite", TlsPolicyOptionsValidator.Instance.Validate(null, options).FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Tls12WithoutAnySuiteIsRefused()
    {
        Assert.Contains("no TLS 1.2 cipher suite", TlsPolicyOptionsValidator.Instance.Validate(null, Policy()).FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void NoTls13SuiteIsRefusedBecauseOpenSslWouldRefuseEveryHandshake()
    {
        var options = Policy(TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256);
        options.Tls13CipherSuites = [];

        Assert.Contains("at least one TLS 1.3 cipher suite", TlsPolicyOptionsValidator.Instance.Validate(null, options).FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void AMinimumThatIsNotTls12OrTls13IsRefused()
    {
        var options = Policy(TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256);
        options.MinimumProtocol = (TlsProtocolVersion)11;

        Assert.Contains("use Tls12 or Tls13", TlsPolicyOptionsValidator.Instance.Validate(null, options).FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Tls13MinimumNeedsNoTls12Suite()
    {
        var options = Policy();
        options.MinimumProtocol = TlsProtocolVersion.Tls13;

        Assert.True(TlsPolicyOptionsValidator.Instance.Validate(null, options).Succeeded);
    }
}
