using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using SecureFlow.Gateway.Tests.Infrastructure;

namespace SecureFlow.Gateway.Tests.Waf;

/// <summary>
/// On a machine without the engine or the rules the edge still starts, so the app and its dashboard run, but it fails
/// closed: every proxied request gets 503 naming the packages and never reaches the backend, and its health is
/// Unhealthy with what to install. Only mode Off forwards uninspected.
/// </summary>
public sealed class WafUnavailableTests
{
    [Theory]
    [InlineData("Prevention")]
    [InlineData("Detection")]
    public Task MissingEngineRefusesEveryRequestWith503AndTheEdgeIsUnhealthy(string mode) =>
        AssertFailsClosedAsync(mode, "Waf:EnginePath", "/nonexistent/libmodsecurity.so.3", "WAF engine not found");

    [Theory]
    [InlineData("Prevention")]
    [InlineData("Detection")]
    public Task MissingRulesRefuseEveryRequestWith503AndTheEdgeIsUnhealthy(string mode) =>
        AssertFailsClosedAsync(mode, "Waf:RulesPath", "/nonexistent/modsecurity-crs/rules", "WAF rules not found");

    [Fact]
    public async Task ModeOffForwardsWithoutTheEngineAndStaysHealthy()
    {
        await using var backend = await EchoBackend.StartAsync();
        await using var gateway = await InProcessGateway.StartAsync(_ =>
        {
            var configuration = backend.Route();
            configuration["Waf:Mode"] = "Off";
            configuration["Waf:EnginePath"] = "/nonexistent/libmodsecurity.so.3";
            return configuration;
        });

        var (status, _) = await gateway.SendAsync("GET /items?id=1 HTTP/1.1\r\n");
        using var health = await GetHealthAsync(gateway);

        Assert.Equal(200, status);
        Assert.Equal(1, backend.Requests);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private static async Task AssertFailsClosedAsync(string mode, string key, string missingPath, string expectedReason)
    {
        await using var backend = await EchoBackend.StartAsync();
        await using var gateway = await InProcessGateway.StartAsync(_ =>
        {
            var configuration = backend.Route();
            configuration["Waf:Mode"] = mode;
            configuration[key] = missingPath;
            return configuration;
        });

        var (benign, benignResponse) = await gateway.SendAsync("GET /items?id=1 HTTP/1.1\r\n");
        var (attack, _) = await gateway.SendAsync("GET /items?id=1%27%20OR%20%271%27=%271 HTTP/1.1\r\n");
        var (withBody, _) = await gateway.SendAsync("POST /items HTTP/1.1\r\n", "application/json", """{"id":1}""");
        var health = await gateway.App!.Services.GetRequiredService<HealthCheckService>()
            .CheckHealthAsync(TestContext.Current.CancellationToken).WaitAsync(InProcessGateway.Timeout, TestContext.Current.CancellationToken);
        using var healthEndpoint = await GetHealthAsync(gateway);

        Assert.Equal([503, 503, 503], new[] { benign, attack, withBody });
        Assert.Equal(0, backend.Requests);
        Assert.Contains("libmodsecurity3 and modsecurity-crs", benignResponse, StringComparison.Ordinal);
        Assert.DoesNotContain(missingPath, benignResponse, StringComparison.Ordinal);
        Assert.DoesNotContain("SecureFlow-Waf", benignResponse, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        var waf = health.Entries["waf"];
        Assert.StartsWith(expectedReason, waf.Description, StringComparison.Ordinal);
        Assert.Contains("libmodsecurity3", waf.Description, StringComparison.Ordinal);
        Assert.Contains("modsecurity-crs", waf.Description, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, healthEndpoint.StatusCode);
        Assert.Contains(gateway.Logs.Entries, entry => entry.Level == LogLevel.Error
            && entry.Message.Contains("refused with 503", StringComparison.Ordinal) && entry.Message.Contains("libmodsecurity3", StringComparison.Ordinal));
    }

    /// <summary>The gateway's management endpoint, as Aspire's health check and Kubernetes' probes call it.</summary>
    private static async Task<HttpResponseMessage> GetHealthAsync(InProcessGateway gateway)
    {
        using var http = new HttpClient { Timeout = InProcessGateway.Timeout };
        return await http.GetAsync(new Uri($"http://127.0.0.1:{gateway.ManagementPort}/health"), TestContext.Current.CancellationToken)
            .WaitAsync(InProcessGateway.Timeout, TestContext.Current.CancellationToken);
    }
}
