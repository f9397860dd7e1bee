using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using SecureFlow.EndToEnd.Tests.Infrastructure;

namespace SecureFlow.EndToEnd.Tests;

/// <summary>
/// What the model declares for the edge's WAF is what the edge does: Detection logs and passes, Off passes, and an
/// exclusion removes exactly the block it names. Each test starts its own app with the edge's policy changed.
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

    private static Task<SecureFlowApp> StartWithAsync(WafPolicy policy) => SecureFlowApp.StartAsync(builder =>
        builder.CreateResourceBuilder(builder.Resources.OfType<ApplicationGatewayResource>().Single()).WithWaf(policy));
}
