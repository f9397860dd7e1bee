using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using SecureFlow.Gateway.Tests.Infrastructure;

namespace SecureFlow.Gateway.Tests.Waf;

/// <summary>
/// On a machine without the engine or the rules the edge still starts, so the app runs, but it never passes requests
/// silently: its health is Degraded with what to install, and every response says it was not inspected.
/// </summary>
public sealed class WafUnavailableTests
{
    [Fact]
    public Task MissingEngineLeavesTheEdgeRunningDegradedAndMarksEveryResponse() =>
        AssertNotInspectedAsync("Waf:EnginePath", "/nonexistent/libmodsecurity.so.3", "WAF engine not found");

    [Fact]
    public Task MissingRulesLeaveTheEdgeRunningDegradedAndMarkEveryResponse() =>
        AssertNotInspectedAsync("Waf:RulesPath", "/nonexistent/modsecurity-crs/rules", "WAF rules not found");

    private static async Task AssertNotInspectedAsync(string key, string missingPath, string expectedReason)
    {
        await using var backend = await EchoBackend.StartAsync();
        await using var gateway = await InProcessGateway.StartAsync(_ =>
        {
            var configuration = backend.Route();
            configuration["Waf:Mode"] = "Prevention";
            configuration[key] = missingPath;
            return configuration;
        });

        var (status, response) = await gateway.SendAsync("GET /items?id=1%27%20OR%20%271%27=%271 HTTP/1.1\r\n");
        var (misdirected, misdirectedResponse) = await gateway.SendAsync("GET / HTTP/1.1\r\n", host: "other.secureflow.localhost");
        var health = await gateway.App!.Services.GetRequiredService<HealthCheckService>()
            .CheckHealthAsync(TestContext.Current.CancellationToken).WaitAsync(InProcessGateway.Timeout, TestContext.Current.CancellationToken);

        Assert.Equal(200, status);
        Assert.Contains("SecureFlow-Waf: not-inspected", response, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(421, misdirected);
        Assert.Contains("SecureFlow-Waf: not-inspected", misdirectedResponse, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HealthStatus.Degraded, health.Status);
        var waf = health.Entries["waf"];
        Assert.StartsWith(expectedReason, waf.Description, StringComparison.Ordinal);
        Assert.Contains("libmodsecurity3", waf.Description, StringComparison.Ordinal);
        Assert.Contains("modsecurity-crs", waf.Description, StringComparison.Ordinal);
        Assert.Contains(gateway.Logs.Entries, entry => entry.Level == LogLevel.Warning
            && entry.Message.Contains("NOT inspected", StringComparison.Ordinal) && entry.Message.Contains("libmodsecurity3", StringComparison.Ordinal));
    }
}
