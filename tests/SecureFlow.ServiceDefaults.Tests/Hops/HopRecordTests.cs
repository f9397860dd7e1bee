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
