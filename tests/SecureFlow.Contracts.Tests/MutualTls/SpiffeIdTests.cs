using SecureFlow.Contracts.MutualTls;

namespace SecureFlow.Contracts.Tests.MutualTls;

public sealed class SpiffeIdTests
{
    [Fact]
    public void AServiceIdentityNamesItsTrustDomainNamespaceAndServiceAccount()
    {
        Assert.Equal("spiffe://secureflow.localhost/ns/secureflow/sa/orders", SpiffeId.For("secureflow.localhost", "secureflow", "orders"));
    }

    [Theory]
    [InlineData("spiffe://secureflow.localhost:8443/ns/secureflow/sa/orders")]
    [InlineData("spiffe://secureflow.localhost/ns/secureflow/sa/orders?x=1")]
    [InlineData("spiffe://secureflow.localhost/ns/secureflow/sa/orders#x")]
    [InlineData("spiffe://user@secureflow.localhost/ns/secureflow/sa/orders")]
    [InlineData("spiffe://secureflow.localhost/ns/secureflow/sa/../sa/orders")]
    [InlineData("spiffe://secureflow.localhost/ns/secureflow/sa/Orders")]
    [InlineData("spiffe://secureflow.localhost/ns/secureflow/sa/orders/extra")]
    [InlineData("spiffe://127.0.0.1/ns/secureflow/sa/orders")]
    [InlineData("https://secureflow.localhost/ns/secureflow/sa/orders")]
    [InlineData("")]
    public void AnythingElseIsNotAServiceIdentity(string value)
    {
        Assert.False(SpiffeId.IsValid(value));
    }

    [Fact]
    public void AnAllowedCallerThatIsNoIdentityIsRefused()
    {
        var options = new MutualTlsOptions
        {
            SpiffeId = "spiffe://secureflow.localhost/ns/secureflow/sa/orders",
            CertificateName = "orders-mtls",
            TrustedRootSecretName = "orders-mtls-root",
            AllowedCallers = ["workload"],
        };

        var result = MutualTlsOptionsValidator.Instance.Validate(null, options);

        Assert.Contains("allowed caller 'workload' is not a SPIFFE id", result.FailureMessage, StringComparison.Ordinal);
    }
}
