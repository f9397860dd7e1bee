using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace SecureFlow.Publishing.Tests;

/// <summary>
/// The egress allow-list accepts what an Azure Firewall application rule means: host names and <c>*.</c> subdomain
/// wildcards, on 443 (HTTPS) or 80 (HTTP); anything else would not mean what it says in a firewall rule.
/// </summary>
public sealed class EgressModelTests
{
    [Theory]
    [InlineData("https://api.example.org")]
    [InlineData("api.example.org:8443")]
    [InlineData("api.example.org:")]
    [InlineData("*.com")]
    [InlineData("api.*.example.org")]
    [InlineData("*example.org")]
    [InlineData("*")]
    [InlineData("api.example.org/path")]
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

        Assert.Equal(["api.example.org", "login.example.org"], Assert.Single(workload.Resource.Annotations.OfType<EgressAnnotation>()).Destinations.Select(destination => destination.ToString()));
    }

    [Fact]
    public void EgressAcceptsSubdomainWildcardsAndPlainHttpOnPort80()
    {
        var workload = DistributedApplication.CreateBuilder().AddProject<Projects.SecureFlow_Workload>("workload");

        workload.WithEgressTo("*.Contoso.com", "files.contoso.com:80", "api.contoso.com:443");

        var destinations = Assert.Single(workload.Resource.Annotations.OfType<EgressAnnotation>()).Destinations;
        Assert.Equal(["*.contoso.com", "files.contoso.com:80", "api.contoso.com"], destinations.Select(destination => destination.ToString()));
        Assert.Equal(["Https", "Http", "Https"], destinations.Select(destination => destination.Protocol));
        Assert.True(destinations[0].Matches("a.b.contoso.com", 443));
        Assert.False(destinations[0].Matches("contoso.com", 443));
        Assert.False(destinations[0].Matches("evilcontoso.com", 443));
        Assert.False(destinations[0].Matches("a.contoso.com", 80));
    }
}
