using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using SecureFlow.EndToEnd.Tests.Infrastructure;

namespace SecureFlow.EndToEnd.Tests;

/// <summary>Certificates and secrets come from the vault, with each service's own identity.</summary>
public sealed class KeyVaultTests(SharedApp shared)
{
    private readonly SecureFlowApp _app = shared.App;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EdgeServesTheCertificateVersionInTheVault()
    {
        var inVault = await _app.CertificateInVaultAsync("edge-tls");

        await using var stream = await TlsClients.HandshakeAsync(_app.EdgePort, _app.Root, SecureFlowApp.PublicHost);

        Assert.Equal(inVault.Thumbprint, new X509Certificate2(stream.RemoteCertificate!).Thumbprint);
        Assert.Equal(32, inVault.Version.Length);
    }

    [Fact]
    public async Task IngressServesTheWildcardCertificateVersionInTheVault()
    {
        var inVault = await _app.CertificateInVaultAsync("ingress-tls");

        await using var stream = await TlsClients.HandshakeAsync(_app.IngressPort, _app.Root, SecureFlowApp.WorkloadHost);

        Assert.Equal(inVault.Thumbprint, new X509Certificate2(stream.RemoteCertificate!).Thumbprint);
    }

    [Fact]
    public async Task VaultManagementListenerAnswersHealthButNeverTheVaultApi()
    {
        var management = _app.App.GetEndpoint("vault", KeyVaultResource.ManagementEndpointName);
        using var client = new HttpClient { BaseAddress = management, Timeout = SecureFlowApp.RequestTimeout };

        using var health = await client.GetAsync(new Uri("/health", UriKind.Relative), Cancellation);
        using var api = await client.GetAsync(new Uri("/secrets?api-version=7.5", UriKind.Relative), Cancellation);

        // A bearer token must never cross a plain listener: the API is not there at all, not even its challenge.
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Empty(api.Headers.WwwAuthenticate);
    }

    [Fact]
    public async Task WorkloadReadsItsSecretWithItsOwnIdentityAndNeverShowsTheValue()
    {
        using var client = _app.CreateClient();

        using var response = await client.GetAsync(_app.EdgeUri("/api/secret"), Cancellation);
        var body = await response.Content.ReadAsStringAsync(Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = System.Text.Json.JsonDocument.Parse(body).RootElement;
        Assert.Equal("workload-api-key", report.GetProperty("name").GetString());
        Assert.Equal("workload", report.GetProperty("identity").GetString());
        Assert.Equal(32, report.GetProperty("version").GetString()!.Length);
        Assert.True(report.GetProperty("updatedOn").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddHours(-1));
        Assert.DoesNotContain(await _app.SecretValueAsync(), body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VaultAppearsInTheDashboardWithItsCertificatesInIt()
    {
        var notifications = _app.App.Services.GetRequiredService<ResourceNotificationService>();

        var vault = await notifications.WaitForResourceHealthyAsync("vault", Cancellation).WaitAsync(SecureFlowApp.RequestTimeout, Cancellation);
        var certificate = await _app.CertificateInVaultAsync("ingress-tls");

        Assert.Contains(vault.Snapshot.HealthReports, report => report.Name == "vault-provisioned" && report.Status == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy);
        Assert.Contains(vault.Snapshot.Commands, command => command.Name == KeyVaultResourceExtensions.RotateCertificatesCommand);
        Assert.NotEmpty(certificate.Version);
    }

    [Fact]
    public async Task CapturedLogsContainNoSecretValueAndNoPrivateKey()
    {
        using var client = _app.CreateClient();
        using var response = await client.GetAsync(_app.EdgeUri("/api/secret"), Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        await LogHygiene.AssertCleanAsync(_app);
    }
}
