using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using SecureFlow.EndToEnd.Tests.Infrastructure;

namespace SecureFlow.EndToEnd.Tests;

public sealed class DashboardTests(SharedApp shared)
{
    private readonly SecureFlowApp _app = shared.App;

    [Fact]
    public async Task EdgeUrlNamesThePublicHostSoThatAClickPassesStrictSni()
    {
        var notifications = _app.App.Services.GetRequiredService<ResourceNotificationService>();

        var edge = await notifications.WaitForResourceAsync("edge", resource => resource.Snapshot.Urls.Length > 0, TestContext.Current.CancellationToken)
            .WaitAsync(SecureFlowApp.RequestTimeout, TestContext.Current.CancellationToken);

        Assert.Contains(edge.Snapshot.Urls, url => url.Url == $"https://{SecureFlowApp.PublicHost}:{_app.EdgePort}/");
    }

    [Fact]
    public async Task CertificatesAppearInTheVaultWithTheRootToTrust()
    {
        var notifications = _app.App.Services.GetRequiredService<ResourceNotificationService>();

        var certificate = await notifications.WaitForResourceAsync("edge-tls", resource => resource.Snapshot.State?.Text == "In vault", TestContext.Current.CancellationToken)
            .WaitAsync(SecureFlowApp.RequestTimeout, TestContext.Current.CancellationToken);

        Assert.Contains(certificate.Snapshot.Properties, property => property.Name == "trust-root" && property.Value is string path && File.Exists(path));
    }

    [Fact]
    public async Task EachGatewayShowsItsListenerItsTlsPolicyAndTheVaultVersionOfTheCertificateItServes()
    {
        var notifications = _app.App.Services.GetRequiredService<ResourceNotificationService>();
        var cancellation = TestContext.Current.CancellationToken;

        var certificate = await notifications.WaitForResourceAsync("edge-tls", resource => resource.Snapshot.State?.Text == "In vault", cancellation)
            .WaitAsync(SecureFlowApp.RequestTimeout, cancellation);
        var version = Property(certificate, "version");
        var edge = await notifications.WaitForResourceAsync("edge", resource => resource.Snapshot.Properties.Any(property => property.Name == "certificate.edge-tls.version" && Equals(property.Value, version)) &&
                resource.Snapshot.Properties.Any(property => property.Name == "listener"), cancellation)
            .WaitAsync(SecureFlowApp.RequestTimeout, cancellation);

        Assert.Equal($"https://{SecureFlowApp.PublicHost}:{_app.EdgePort}/", Property(edge, "listener"));
        Assert.StartsWith("Tls12 or later, SNI required; suites: TLS_AES_128_GCM_SHA256", Property(edge, "tls-policy"), StringComparison.Ordinal);
        Assert.Equal($"CN={SecureFlowApp.PublicHost}", Property(edge, "certificate.edge-tls.subject")?.Split(", ")[0]);
        Assert.Equal(Property(certificate, "not-after"), Property(edge, "certificate.edge-tls.not-after"));
        Assert.Equal("Prevention, OWASP CRS", Property(edge, "waf"));
        Assert.StartsWith("max-age=", Property(edge, "hsts"), StringComparison.Ordinal);
    }

    [Fact]
    public void TheGraphIsTheChainAndEveryServiceReadsTheVault()
    {
        var model = _app.App.Services.GetRequiredService<DistributedApplicationModel>();
        string[] Related(string name) => [.. model.Resources.Single(resource => resource.Name == name).Annotations.OfType<ResourceRelationshipAnnotation>().Select(relationship => relationship.Resource.Name)];

        Assert.Contains("ingress", Related("edge"));
        Assert.Contains("workload", Related("ingress"));
        Assert.Contains("orders", Related("workload"));
        foreach (var service in (string[])["edge", "ingress", "workload", "orders"])
        {
            Assert.Contains("vault", Related(service));
        }
    }

    private static string? Property(ResourceEvent resource, string name) =>
        resource.Snapshot.Properties.FirstOrDefault(property => property.Name == name)?.Value?.ToString();
}
