using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace SecureFlow.Publishing.Tests;

/// <summary>The egress allow-list accepts host names only: anything else would not mean what it says in a firewall rule.</summary>
public sealed class EgressModelTests
{
    [Theory]
    [InlineData("https://api.example.org")]
    [InlineData("api.example.org:443")]
    [InlineData("*.example.org")]
    [InlineData("10.1.2.3")]
    [InlineData("localhost")]
    [InlineData(" ")]
    public void EgressRejectsWhatIsNotAHostName(string host)
    {
        var workload = DistributedApplication.CreateBuilder().AddProject<Projects.SecureFlow_Workload>("workload");

        var failure = Assert.Throws<ArgumentException>(() => workload.WithEgressTo(host));

        Assert.Contains("workload", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EgressHostsAccumulateWithoutDuplicates()
    {
        var workload = DistributedApplication.CreateBuilder().AddProject<Projects.SecureFlow_Workload>("workload");

        workload.WithEgressTo("api.example.org").WithEgressTo("API.example.org", "login.example.org");

        Assert.Equal(["api.example.org", "login.example.org"], Assert.Single(workload.Resource.Annotations.OfType<EgressAnnotation>()).Hosts);
    }
}
