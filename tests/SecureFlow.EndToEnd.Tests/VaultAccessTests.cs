using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Azure;
using Microsoft.Extensions.DependencyInjection;
using SecureFlow.EndToEnd.Tests.Infrastructure;
using SecureFlow.ServiceDefaults.Identity;
using SecureFlow.ServiceDefaults.KeyVault;

namespace SecureFlow.EndToEnd.Tests;

/// <summary>
/// The running vault enforces exactly the model's grants: each service's identity, with its own key, can read what
/// AppHost.cs grants it and gets 403 ForbiddenByRbac for everything else, as in Azure.
/// </summary>
public sealed class VaultAccessTests(SharedApp shared)
{
    private readonly SecureFlowApp _app = shared.App;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("edge", "certificate", "edge-tls", true)]
    [InlineData("edge", "secret", "ingress-tls-root", true)]
    [InlineData("edge", "certificate", "ingress-tls", false)]
    [InlineData("edge", "secret", "workload-api-key", false)]
    [InlineData("ingress", "certificate", "ingress-tls", true)]
    [InlineData("ingress", "certificate", "edge-tls", false)]
    [InlineData("ingress", "secret", "workload-api-key", false)]
    [InlineData("workload", "secret", "workload-api-key", true)]
    [InlineData("workload", "certificate", "edge-tls", false)]
    [InlineData("workload", "secret", "edge-tls", false)]
    [InlineData("workload", "secret", "ingress-tls-root", false)]
    public async Task EachServiceReadsExactlyWhatTheModelGrantsIt(string identity, string kind, string name, bool granted)
    {
        var clients = ClientsFor(identity);
        Task read = kind == "certificate"
            ? clients.CreateCertificateClient().DownloadCertificateAsync(name, cancellationToken: Cancellation)
            : clients.CreateSecretClient().GetSecretAsync(name, cancellationToken: Cancellation);

        if (granted)
        {
            await read.WaitAsync(SecureFlowApp.RequestTimeout, Cancellation);
        }
        else
        {
            var denied = await Assert.ThrowsAsync<RequestFailedException>(() => read.WaitAsync(SecureFlowApp.RequestTimeout, Cancellation));
            Assert.Equal(403, denied.Status);
            Assert.Contains("ForbiddenByRbac", denied.GetRawResponse()!.Content.ToString(), StringComparison.Ordinal);
        }
    }

    private KeyVaultClientFactory ClientsFor(string identity)
    {
        var vault = _app.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<KeyVaultResource>().Single();
        var uri = new Uri($"https://localhost:{vault.HttpsEndpoint.Port}/");
        return new KeyVaultClientFactory(uri, new LocalServiceCredential(identity, vault.IdentityKey(identity)), _app.Root);
    }
}
