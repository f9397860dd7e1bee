using Microsoft.Playwright;

namespace SecureFlow.Browser.Tests.Infrastructure;

/// <summary>
/// The flow inspector open in the browser, through the real chain, with every Content-Security-Policy violation it
/// reports collected: the DOM's <c>securitypolicyviolation</c> events and the console's CSP messages.
/// </summary>
public sealed class FlowPage
{
    private readonly List<string> _console = [];

    private FlowPage(IPage page) => Page = page;

    public IPage Page { get; }

    public static async Task<FlowPage> OpenAsync(BrowserApp browser, int width = 1280, int height = 900)
    {
        var page = new FlowPage(await browser.NewPageAsync(width, height));
        page.Page.Console += (_, message) => page._console.Add(message.Text);
        await page.Page.AddInitScriptAsync(
            "window.__cspViolations = []; document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));").Within();
        await page.Page.GotoAsync(browser.App.EdgeUri("/").ToString()).Within();
        await page.Page.Locator("[data-hop=\"orders\"]").WaitForAsync().Within();
        return page;
    }

    public ILocator Field(string hop, string field) => Page.Locator($"[data-hop=\"{hop}\"] [data-field=\"{field}\"]");

    public ILocator Outcome(string probe) => Page.Locator($"[data-probe=\"{probe}\"] [data-outcome]");

    /// <summary>Clicks a "try it" button and waits for its outcome.</summary>
    public async Task<ILocator> TryAsync(string probe)
    {
        await Page.Locator($"[data-probe=\"{probe}\"] button").ClickAsync().Within();
        await Page.Locator($"[data-probe=\"{probe}\"][data-done=\"true\"]").WaitForAsync().Within();
        return Outcome(probe);
    }

    /// <summary>What the page reported as blocked by its policy, from the DOM's events and the console.</summary>
    public async Task<IReadOnlyList<string>> CspViolationsAsync()
    {
        var events = await Page.EvaluateAsync<string[]>("window.__cspViolations").Within();
        return [.. events, .. _console.Where(message => message.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))];
    }

    public Task ScreenshotAsync(string name) => BrowserApp.ScreenshotAsync(Page, name);
}
