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
}
