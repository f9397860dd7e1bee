using SecureFlow.ServiceDefaults.Hops;

namespace SecureFlow.ServiceDefaults.Tests.Hops;

public sealed class HopRecordTests
{
    [Fact]
    public void FormattedRecordParsesBack()
    {
        var record = new HopRecord("edge", "TLSv1.3", "TLS_AES_256_GCM_SHA384", "delta.secureflow.localhost");

        Assert.Equal(record, HopRecord.TryParse(record.ToString()));
    }

    [Fact]
    public void AMutualTlsRecordKeepsBothIdentities()
    {
        var record = new HopRecord("orders", "TLSv1.3", "TLS_AES_256_GCM_SHA384", "localhost",
            "spiffe://secureflow.localhost/ns/secureflow/sa/workload", "spiffe://secureflow.localhost/ns/secureflow/sa/orders");

        Assert.Equal(record, HopRecord.TryParse(record.ToString()));
    }

    [Fact]
    public void ACertificateWhoseNamesHoldCommasAndSemicolonsStaysOneHeaderValueAndParsesBack()
    {
        var record = new HopRecord("edge", "TLSv1.3", "TLS_AES_256_GCM_SHA384", "delta.secureflow.localhost",
            Certificate: new PresentedCertificate("CN=delta.secureflow.localhost, O=SecureFlow; OU=a=b", "CN=SecureFlow Development CA, O=SecureFlow",
                new DateTimeOffset(2027, 1, 2, 3, 4, 5, TimeSpan.Zero), "0123456789ABCDEF0123456789ABCDEF01234567", "3f2c9a"),
            Waf: new WafVerdict("detected", 3));

        var value = record.ToString();

        Assert.DoesNotContain(',', value);
        Assert.Equal(record, HopRecord.TryParse(value));
    }

    [Theory]
    [InlineData("hop=edge;tls=TLSv1.3;cipher=x;sni=a;certSubject=CN%3Da")]
    [InlineData("hop=edge;tls=TLSv1.3;cipher=x;sni=a;certSubject=CN%3Da;certIssuer=CN%3Db;certThumbprint=00;certNotAfter=tomorrow")]
    [InlineData("hop=edge;tls=TLSv1.3;cipher=x;sni=a;waf=passed")]
    [InlineData("hop=edge;tls=TLSv1.3;cipher=x;sni=a;waf=passed;wafScore=-1")]
    public void AnIncompleteCertificateOrWafVerdictIsNoRecord(string value)
    {
        Assert.Null(HopRecord.TryParse(value));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("hop=edge")]
    [InlineData("hop=edge;tls=TLSv1.3;cipher=x;sni=a;hop=again")]
    [InlineData("garbage")]
    public void MalformedValueIsNoRecord(string? value)
    {
        Assert.Null(HopRecord.TryParse(value));
    }
}
