using System.Net;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SecureFlow.EndToEnd.Tests.Infrastructure;

namespace SecureFlow.EndToEnd.Tests;

/// <summary>
/// What the model declares for the edge's WAF is what the edge does: Detection logs and passes, Off passes, an
/// exclusion removes exactly the block it names, and an edge whose engine cannot run forwards nothing. Each test starts
/// its own app with the edge changed.
/// </summary>
public sealed class WafModeTests
{
    private static readonly byte[] SqlInjectionInQ = WafTests.Get("/api/flow?q=1%27%20OR%20%271%27=%271");

    [Fact]
    public async Task DetectionModeLogsTheAttackAndLetsItThrough()
    {
        await using var app = await StartWithAsync(new WafPolicy(WafMode.Detection));
        var mark = app.Logs.Mark("edge");

        var (status, _) = await TlsClients.SendRawAsync(app, SqlInjectionInQ);

        Assert.Equal(200, status);
        var logLine = await app.Logs.WaitForAsync("edge", mark, "WAF Detected");
        Assert.Contains("942100", logLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OffLetsAttacksThroughUninspected()
    {
        await using var app = await StartWithAsync(new WafPolicy(WafMode.Off));

        var (status, response) = await TlsClients.SendRawAsync(app, SqlInjectionInQ);

        Assert.Equal(200, status);
        Assert.DoesNotContain("SecureFlow-Waf", response, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(app.Logs.All("edge"), line => line.Contains("WAF", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExclusionRemovesExactlyTheBlockOfItsRuleOnItsArgument()
    {
        await using var app = await StartWithAsync(new WafPolicy(WafMode.Prevention)
        {
            Exclusions = [new(WafMatchVariable.RequestArgNames, WafSelectorMatchOperator.Equals, "q", [942100])],
        });

        var (excluded, _) = await TlsClients.SendRawAsync(app, SqlInjectionInQ);
        var (otherArgument, _) = await TlsClients.SendRawAsync(app, WafTests.Get("/api/flow?id=1%27%20OR%20%271%27=%271"));
        var (otherRule, _) = await TlsClients.SendRawAsync(app, WafTests.Get("/api/flow?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E"));

        Assert.Equal(200, excluded);
        Assert.Equal(403, otherArgument);
        Assert.Equal(403, otherRule);
    }

    [Fact]
    public async Task EdgeWhoseEngineCannotRunRefusesEveryRequestAndIsUnhealthy()
    {
        await using var app = await SecureFlowApp.StartAsync(
            builder => builder.CreateResourceBuilder(builder.Resources.OfType<ApplicationGatewayResource>().Single())
                .WithEnvironment("Waf__EnginePath", "/nonexistent/libmodsecurity.so.3"),
            edgeHealthy: false);
        await app.Logs.WaitForAsync("edge", 0, "Application started");
        using var client = app.CreateClient();
        var workloadDirect = await TlsClients.HandshakeAsync(app.IngressPort, app.Root, SecureFlowApp.WorkloadHost);
        await using (workloadDirect)
        {
            // The workload is up behind the ingress: what the edge refuses, it refuses itself.
            Assert.Equal(200, await TlsClients.SendAsync(workloadDirect, SecureFlowApp.WorkloadHost, "/api/flow"));
        }

        var (benign, response) = await TlsClients.SendRawAsync(app, WafTests.Get("/api/flow"));
        var (attack, _) = await TlsClients.SendRawAsync(app, SqlInjectionInQ);
        using var health = await client.GetAsync(
            new Uri($"{app.App.GetEndpoint("edge", GatewayResource.ManagementEndpointName)}health"), TestContext.Current.CancellationToken);
        var unhealthy = await app.App.Services.GetRequiredService<ResourceNotificationService>()
            .WaitForResourceAsync("edge", update => update.Snapshot.HealthStatus == HealthStatus.Unhealthy, TestContext.Current.CancellationToken)
            .WaitAsync(SecureFlowApp.RequestTimeout, TestContext.Current.CancellationToken);

        Assert.Equal(503, benign);
        Assert.Equal(503, attack);
        Assert.Contains("libmodsecurity3 and modsecurity-crs", response, StringComparison.Ordinal);
        Assert.DoesNotContain("\"hops\"", response, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal(KnownResourceStates.Running, unhealthy.Snapshot.State?.Text);
        var reason = await app.Logs.WaitForAsync("edge", 0, "WAF engine not found");
        Assert.Contains("install libmodsecurity3 and modsecurity-crs", reason, StringComparison.Ordinal);
    }

    private static Task<SecureFlowApp> StartWithAsync(WafPolicy policy) => SecureFlowApp.StartAsync(builder =>
        builder.CreateResourceBuilder(builder.Resources.OfType<ApplicationGatewayResource>().Single()).WithWaf(policy));
}
