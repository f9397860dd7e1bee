using System.Net;
using System.Security.Cryptography.X509Certificates;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using SecureFlow.AppHost.Certificates;
using SecureFlow.AppHost.Networking;
using SecureFlow.EndToEnd.Tests.Infrastructure;

namespace SecureFlow.EndToEnd.Tests;

/// <summary>
/// Rotation without restarts: a new certificate version in the vault reaches new handshakes at the next poll while
/// requests keep flowing; and the chain does not depend on the vault being up.
/// </summary>
public sealed class RotationTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RotatedCertificatesOfEveryHopReachNewHandshakesWhileAStreamOfRequestsSeesNoFailure()
    {
        await using var app = await SecureFlowApp.StartAsync();
        var edgeBefore = await app.CertificateInVaultAsync("edge-tls");
        var ingressBefore = await app.CertificateInVaultAsync("ingress-tls");
        var workloadBefore = await app.CertificateInVaultAsync("workload-mtls");
        var ordersBefore = await app.CertificateInVaultAsync("orders-mtls");
        await using var traffic = new SteadyTraffic(app, "/api/flow");
        await EventuallyAsync(() => Task.FromResult(traffic.Succeeded >= 10), "the traffic to get going");

        var rotated = await app.App.ResourceCommands.ExecuteCommandAsync("vault", KeyVaultResourceExtensions.RotateCertificatesCommand, Cancellation)
            .WaitAsync(SecureFlowApp.RequestTimeout, Cancellation);
        Assert.True(rotated.Success, rotated.Message);
        var edgeAfter = await app.CertificateInVaultAsync("edge-tls", otherThan: edgeBefore.Thumbprint);
        var ingressAfter = await app.CertificateInVaultAsync("ingress-tls", otherThan: ingressBefore.Thumbprint);
        await EventuallyServedAsync(app, app.EdgePort, SecureFlowApp.PublicHost, edgeAfter.Thumbprint);
        await EventuallyServedAsync(app, app.IngressPort, SecureFlowApp.WorkloadHost, ingressAfter.Thumbprint);
        var workloadAfter = await app.CertificateInVaultAsync("workload-mtls", otherThan: workloadBefore.Thumbprint);
        var ordersAfter = await app.CertificateInVaultAsync("orders-mtls", otherThan: ordersBefore.Thumbprint);
        await EventuallyServedOverMutualTlsAsync(app, "workload", "ingress", workloadAfter.Thumbprint);
        await EventuallyServedOverMutualTlsAsync(app, "orders", "workload", ordersAfter.Thumbprint);
        var succeededAfterRotation = traffic.Succeeded;
        await EventuallyAsync(() => Task.FromResult(traffic.Succeeded >= succeededAfterRotation + 10), "requests after the rotation");
        await traffic.StopAsync();

        TestContext.Current.TestOutputHelper?.WriteLine($"Across the rotation: {traffic.Succeeded} requests succeeded, {traffic.Failed} failed.");
        Assert.NotEqual(edgeBefore.Version, edgeAfter.Version);
        Assert.Equal(0, traffic.Failed);
        await LogHygiene.AssertCleanAsync(app);
    }

    [Fact]
    public async Task ChainKeepsServingWhileTheVaultIsDownAndRefreshResumesWhenItIsBack()
    {
        await using var app = await SecureFlowApp.StartAsync();
        var notifications = app.App.Services.GetRequiredService<ResourceNotificationService>();
        var secretBefore = await SecretVersionAsync(app);
        var edgeBefore = await app.CertificateInVaultAsync("edge-tls");
        var mark = app.Logs.Mark("edge");

        var stopped = await app.App.ResourceCommands.ExecuteCommandAsync("vault", KnownResourceCommands.StopCommand, Cancellation).WaitAsync(SecureFlowApp.RequestTimeout, Cancellation);
        Assert.True(stopped.Success, stopped.Message);
        await notifications.WaitForResourceAsync("vault", [KnownResourceStates.Exited, KnownResourceStates.Finished], Cancellation).WaitAsync(SecureFlowApp.RequestTimeout, Cancellation);
        await app.Logs.WaitForAsync("edge", mark, "could not refresh its certificates");
        await using (var traffic = new SteadyTraffic(app, "/api/flow"))
        {
            await EventuallyAsync(() => Task.FromResult(traffic.Succeeded >= 20), "requests while the vault is down");
            await traffic.StopAsync();
            TestContext.Current.TestOutputHelper?.WriteLine($"With the vault down: {traffic.Succeeded} requests succeeded, {traffic.Failed} failed.");
            Assert.Equal(0, traffic.Failed);
        }

        // The workload's own read of its secret says the vault is unreachable (503), not an internal error.
        using (var client = app.CreateClient())
        using (var response = await client.GetAsync(app.EdgeUri("/api/secret"), Cancellation).WaitAsync(SecureFlowApp.RequestTimeout, Cancellation))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Contains("Key Vault could not be reached by 'workload'", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        }

        var started = await app.App.ResourceCommands.ExecuteCommandAsync("vault", KnownResourceCommands.StartCommand, Cancellation).WaitAsync(SecureFlowApp.RequestTimeout, Cancellation);
        Assert.True(started.Success, started.Message);
        await notifications.WaitForResourceHealthyAsync("vault", Cancellation).WaitAsync(SecureFlowApp.StartTimeout, Cancellation);
        Assert.Equal(secretBefore, await SecretVersionAsync(app));

        var rotated = await app.App.ResourceCommands.ExecuteCommandAsync("vault", KeyVaultResourceExtensions.RotateCertificatesCommand, Cancellation)
            .WaitAsync(SecureFlowApp.RequestTimeout, Cancellation);
        Assert.True(rotated.Success, rotated.Message);
        var edgeAfter = await app.CertificateInVaultAsync("edge-tls", otherThan: edgeBefore.Thumbprint);
        await EventuallyServedAsync(app, app.EdgePort, SecureFlowApp.PublicHost, edgeAfter.Thumbprint);
    }

    /// <summary>The version of the workload's secret as the workload reads it now, through the chain.</summary>
    private static async Task<string> SecretVersionAsync(SecureFlowApp app)
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync(app.EdgeUri("/api/secret"), Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation)).RootElement.GetProperty("version").GetString()!;
    }

    private static Task EventuallyServedAsync(SecureFlowApp app, int port, string serverName, string thumbprint, X509Certificate2? clientCertificate = null) =>
        EventuallyAsync(async () =>
        {
            await using var stream = await TlsClients.HandshakeAsync(port, app.Root, serverName, clientCertificate: clientCertificate);
            return new X509Certificate2(stream.RemoteCertificate!).Thumbprint == thumbprint;
        }, $"{serverName} to serve {thumbprint}");

    /// <summary>A mutual TLS service serves <paramref name="thumbprint"/> to a new connection from a caller it allows.</summary>
    private static async Task EventuallyServedOverMutualTlsAsync(SecureFlowApp app, string service, string caller, string thumbprint)
    {
        using var authority = DevelopmentCertificateAuthority.LoadOrCreate(DevelopmentCertificateAuthority.DefaultDirectory);
        using var callerCertificate = authority.IssueServerCertificate([$"{caller}.secureflow.localhost"], ServiceGraph.SpiffeIdOf(caller));
        var port = app.App.GetEndpoint(service, MutualTlsResourceExtensions.MutualTlsEndpointName).Port;
        await EventuallyServedAsync(app, port, $"{service}.secureflow.localhost", thumbprint, callerCertificate);
    }

    /// <summary>Polls until <paramref name="condition"/> holds; the bound is a timeout, not an assertion on speed.</summary>
    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + SecureFlowApp.StartTimeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.");
            await Task.Delay(200, Cancellation);
        }
    }
}
