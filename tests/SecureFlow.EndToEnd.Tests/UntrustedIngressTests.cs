using System.Net;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using SecureFlow.AppHost.Certificates;
using SecureFlow.EndToEnd.Tests.Infrastructure;

namespace SecureFlow.EndToEnd.Tests;

/// <summary>Re-encryption fails closed: an ingress certificate from another CA never passes at the edge.</summary>
public sealed class UntrustedIngressTests
{
    [Fact]
    public async Task IngressPresentingACertificateTheEdgeDoesNotTrustGets502()
    {
        var directory = Directory.CreateTempSubdirectory("secureflow-rogue-ca-");
        try
        {
            // Same names, same shape, another root: only trust in that one root tells them apart.
            using var rogueAuthority = DevelopmentCertificateAuthority.LoadOrCreate(Path.Combine(directory.FullName, "ca"));
            using var rogue = rogueAuthority.IssueServerCertificate(["*.aks-ingress.secureflow.localhost"]);
            var certificatePath = Path.Combine(directory.FullName, "ingress.crt");
            var keyPath = Path.Combine(directory.FullName, "ingress.key");
            DevelopmentCertificateAuthority.WritePemFiles(rogue, certificatePath, keyPath);

            await using var app = await SecureFlowApp.StartAsync(builder => builder.CreateResourceBuilder<IngressControllerResource>("ingress")
                .WithEnvironment("Gateway__Certificates__ingress-tls__FromKeyVault", "false")
                .WithEnvironment("Gateway__Certificates__ingress-tls__CertificatePath", certificatePath)
                .WithEnvironment("Gateway__Certificates__ingress-tls__KeyPath", keyPath));
            using var client = app.CreateClient();

            using var response = await client.GetAsync(app.EdgeUri("/api/flow"), TestContext.Current.CancellationToken);

            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
