using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SecureFlow.Browser.Tests.Infrastructure;

namespace SecureFlow.Browser.Tests;

/// <summary>The Aspire dashboard as a developer sees it after F5: every resource, and the trace of a request.</summary>
public sealed class DashboardTests(BrowserApp browser)
{
    /// <summary>The states a healthy resource shows: a process running, a certificate or secret in the vault, the vault's own certificate issued.</summary>
    private static readonly string[] HealthyStates = ["Running", "In vault", "Issued"];

    [Fact]
    public async Task ResourcesPageListsEveryResourceRunningOrInTheVaultWithoutTheReconnectOverlay()
    {
        var page = await LoggedInAsync();
        var expected = VisibleResources();

        await page.WaitForFunctionAsync($"document.querySelectorAll('tr.resource-row').length >= {expected.Count}").Within();
        var shown = new Dictionary<string, string>();
        foreach (var row in await page.Locator("tr.resource-row").AllAsync().Within())
        {
            shown[await row.Locator(".resource-name-text").InnerTextAsync().Within()] = await row.Locator(".state-column-cell").InnerTextAsync().Within();
        }

        Assert.Equal(expected.Order(StringComparer.Ordinal), shown.Keys.Order(StringComparer.Ordinal));
        Assert.All(shown, resource => Assert.True(HealthyStates.Contains(resource.Value.Trim()), $"{resource.Key} is '{resource.Value.Trim()}'."));
        Assert.False(await page.GetByText("Lost connection").IsVisibleAsync().Within(), "The dashboard shows its reconnect overlay.");
        await BrowserApp.ScreenshotAsync(page, "dashboard-resources.png");
    }

    [Fact]
    public async Task TracesPageShowsOneTraceThroughEdgeIngressWorkloadAndOrdersForARequestTheTestSent()
    {
        using var client = browser.App.CreateClient();
        var flow = await client.GetFromJsonAsync<JsonElement>(browser.App.EdgeUri("/api/flow"), TestContext.Current.CancellationToken).Within();
        var traceId = flow.GetProperty("workload").GetProperty("traceId").GetString();
        var page = await LoggedInAsync();

        await page.GotoAsync(new Uri(browser.DashboardUrl, $"traces/detail/{traceId}").ToString()).Within();
        await page.Locator(".resource-name", new() { HasText = "orders" }).First.WaitForAsync().Within();

        var resources = await page.Locator(".resource-name").AllInnerTextsAsync().Within();
        Assert.Equal(["edge", "ingress", "orders", "workload"], resources.Select(name => name.Trim()).Distinct().Order(StringComparer.Ordinal));
        await BrowserApp.ScreenshotAsync(page, "dashboard-trace.png");
    }

    private async Task<IPage> LoggedInAsync()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(browser.DashboardLogin.ToString()).Within();
        await page.Locator("tr.resource-row").First.WaitForAsync().Within();
        return page;
    }

    /// <summary>The model's resources the dashboard lists: all but parameters (a tab of their own) and those Aspire hides (rebuilders).</summary>
    private List<string> VisibleResources()
    {
        var notifications = browser.App.App.Services.GetRequiredService<ResourceNotificationService>();
        return [.. browser.App.App.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .Where(resource => resource is not ParameterResource && resource.Name != DashboardLinkResourceExtensions.DashboardResourceName)
            .Where(resource => notifications.TryGetCurrentState(resource.Name, out var state) && !state.Snapshot.IsHidden)
            .Select(resource => resource.Name)];
    }
}
