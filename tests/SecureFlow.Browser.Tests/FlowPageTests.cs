using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SecureFlow.Browser.Tests.Infrastructure;

namespace SecureFlow.Browser.Tests;

/// <summary>The flow inspector in a real browser: every hop and its fields, the "try it" panel, a phone's width, its CSP.</summary>
public sealed partial class FlowPageTests(BrowserApp browser)
{
    private static readonly string[] Hops = ["edge", "ingress", "workload", "orders"];

    [Fact]
    public async Task FlowPageShowsEveryHopWithItsTlsSniAndCertificateTheEdgesWafDecisionAndTheInClusterIdentities()
    {
        var flow = await FlowPage.OpenAsync(browser);

        foreach (var hop in Hops)
        {
            Assert.Matches("^TLSv1\\.[23]$", await flow.Field(hop, "tlsProtocol").InnerTextAsync().Within());
            Assert.StartsWith("TLS_", await flow.Field(hop, "cipherSuite").InnerTextAsync().Within(), StringComparison.Ordinal);
            Assert.NotEmpty(await flow.Field(hop, "sni").InnerTextAsync().Within());
            Assert.StartsWith("CN=", await flow.Field(hop, "certificate.subject").InnerTextAsync().Within(), StringComparison.Ordinal);
            Assert.Contains("CN=", await flow.Field(hop, "certificate.issuer").InnerTextAsync().Within(), StringComparison.Ordinal);
            Assert.True(DateTimeOffset.Parse(await flow.Field(hop, "certificate.notAfter").InnerTextAsync().Within(), System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow);
            Assert.Matches("^[0-9A-F]{40}$", await flow.Field(hop, "certificate.thumbprint").InnerTextAsync().Within());
            Assert.Matches("^[0-9a-f]{32}$", await flow.Field(hop, "certificate.vaultVersion").InnerTextAsync().Within());
        }

        Assert.Equal(SecureFlowPublicHost, await flow.Field("edge", "sni").InnerTextAsync().Within());
        Assert.Equal("passed", await flow.Field("edge", "waf.decision").InnerTextAsync().Within());
        Assert.Equal("0", await flow.Field("edge", "waf.anomalyScore").InnerTextAsync().Within());
        Assert.EndsWith("/sa/ingress", await flow.Field("workload", "client").InnerTextAsync().Within(), StringComparison.Ordinal);
        Assert.EndsWith("/sa/workload", await flow.Field("orders", "client").InnerTextAsync().Within(), StringComparison.Ordinal);
        var trace = await flow.Page.Locator("#trace a").GetAttributeAsync("href").Within();
        Assert.StartsWith(new Uri(browser.DashboardUrl, "traces/detail/").ToString(), trace, StringComparison.Ordinal);
        Assert.Empty(await flow.CspViolationsAsync());
        await flow.ScreenshotAsync("flow-page.png");
    }

    [Fact]
    public async Task WafButtonShowsTheEdgesBlockAndItsCorrelationIdWhoseTraceInTheDashboardNamesTheRules()
    {
        var flow = await FlowPage.OpenAsync(browser);

        var outcome = await flow.TryAsync("waf");

        Assert.Equal("403", await outcome.Locator(".status").InnerTextAsync().Within());
        Assert.Contains("web application firewall", await outcome.Locator(".control").InnerTextAsync().Within(), StringComparison.Ordinal);
        var correlation = CorrelationId().Match(await outcome.Locator("[data-field=\"correlation\"]").InnerTextAsync().Within());
        Assert.True(correlation.Success);
        var trace = await outcome.Locator("[data-field=\"rules\"] a").GetAttributeAsync("href").Within();
        Assert.EndsWith($"/traces/detail/{correlation.Groups[1].Value}", trace, StringComparison.Ordinal);

        var dashboard = await browser.NewPageAsync();
        await dashboard.GotoAsync(browser.DashboardLogin.ToString()).Within();
        await dashboard.GotoAsync(trace!).Within();
        await dashboard.Locator(".resource-name", new() { HasText = "edge" }).First.ClickAsync().Within();
        await dashboard.GetByText("secureflow.waf.rule_ids").First.WaitForAsync().Within();
        Assert.Contains("942100", await dashboard.ContentAsync().Within(), StringComparison.Ordinal);
        Assert.Empty(await flow.CspViolationsAsync());
    }

    [Fact]
    public async Task ForgedHopButtonShowsTheWorkloadSawNeitherTheForgedHopNorTheForgedClientAddress()
    {
        var flow = await FlowPage.OpenAsync(browser);

        var outcome = await flow.TryAsync("forged-hop");

        Assert.Equal("200", await outcome.Locator(".status").InnerTextAsync().Within());
        Assert.Contains("dropped both headers", await outcome.Locator(".control").InnerTextAsync().Within(), StringComparison.Ordinal);
        Assert.Equal("Hops the workload saw: edge → ingress → workload → orders", await outcome.Locator("[data-field=\"hops\"]").InnerTextAsync().Within());
        Assert.DoesNotContain("203.0.113.66", await outcome.Locator("[data-field=\"forwardedFor\"]").InnerTextAsync().Within(), StringComparison.Ordinal);
        Assert.Empty(await flow.CspViolationsAsync());
    }

    [Fact]
    public async Task OtherHostButtonShowsTheEdgeRefusedTheHandshakeForANameItHasNoCertificateFor()
    {
        var flow = await FlowPage.OpenAsync(browser);
        var failed = new List<string>();
        flow.Page.RequestFailed += (_, request) => failed.Add($"{request.Url} {request.Failure}");

        var outcome = await flow.TryAsync("mismatched-host");

        Assert.Equal("refused", await outcome.Locator(".status").InnerTextAsync().Within());
        Assert.Contains("strict SNI", await outcome.Locator(".control").InnerTextAsync().Within(), StringComparison.Ordinal);
        Assert.Contains(failed, failure => failure.StartsWith($"https://mismatched.secureflow.localhost:{browser.App.EdgePort}/", StringComparison.Ordinal));
        Assert.Empty(await flow.CspViolationsAsync());
    }

    [Fact]
    public async Task FlowPageAndItsOutcomesFitA375PixelScreenWithoutHorizontalScroll()
    {
        var flow = await FlowPage.OpenAsync(browser, width: 375, height: 812);
        foreach (var probe in new[] { "waf", "forged-hop", "mismatched-host" })
        {
            await flow.TryAsync(probe);
        }

        var (scrollWidth, clientWidth) = (await flow.Page.EvaluateAsync<int>("document.documentElement.scrollWidth").Within(),
            await flow.Page.EvaluateAsync<int>("document.documentElement.clientWidth").Within());
        Assert.True(scrollWidth <= clientWidth, $"The page is {scrollWidth} px wide on a {clientWidth} px screen.");
        Assert.Empty(await flow.CspViolationsAsync());
        await flow.ScreenshotAsync("flow-page-phone.png");
    }

    [Fact]
    public async Task MarkupInjectedIntoThePageCannotRunScriptThePolicyRefusesItsInlineHandler()
    {
        var flow = await FlowPage.OpenAsync(browser);

        await flow.Page.EvaluateAsync("document.body.insertAdjacentHTML('beforeend', '<img id=\"injected\" src=\"/missing.png\" onerror=\"window.__ran = true\">')").Within();
        await flow.Page.WaitForFunctionAsync("window.__cspViolations.length > 0").Within();

        Assert.False(await flow.Page.EvaluateAsync<bool>("window.__ran === true").Within());
        Assert.Contains(await flow.CspViolationsAsync(), violation => violation.StartsWith("script-src", StringComparison.Ordinal));
    }

    private const string SecureFlowPublicHost = "delta.secureflow.localhost";

    [GeneratedRegex("Correlation id: ([0-9a-f]{32})")]
    private static partial Regex CorrelationId();
}
