using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SecureFlow.AppHost.Health;

namespace SecureFlow.AppHost.Tests.Health;

/// <summary>
/// The moment a starting service first answers its health endpoint is seen within the check that is running, not at
/// Aspire's next check (up to 5 s later); once it has answered, a check asks once, so a service that stops is seen at once.
/// </summary>
public sealed class StartupHealthCheckTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AServiceThatStartsAnsweringDuringTheCheckIsHealthyInThatSameCheck()
    {
        var requests = 0;
        await using var service = await HealthEndpointAsync(() => Interlocked.Increment(ref requests) <= 3 ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
        var check = new StartupHealthCheck(() => new Uri(service.Url, "/health"));

        var result = await check.CheckHealthAsync(new HealthCheckContext(), Cancellation).WaitAsync(Bound, Cancellation);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(4, requests);
    }

    [Fact]
    public async Task OnceTheServiceHasAnsweredACheckAsksOnceAndReportsItUnhealthyAtOnce()
    {
        var requests = 0;
        var status = StatusCodes.Status200OK;
        await using var service = await HealthEndpointAsync(() =>
        {
            Interlocked.Increment(ref requests);
            return status;
        });
        var check = new StartupHealthCheck(() => new Uri(service.Url, "/health"));
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(new HealthCheckContext(), Cancellation).WaitAsync(Bound, Cancellation)).Status);

        status = StatusCodes.Status503ServiceUnavailable;
        var result = await check.CheckHealthAsync(new HealthCheckContext(), Cancellation).WaitAsync(Bound, Cancellation);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("503", result.Description, StringComparison.Ordinal);
        Assert.Equal(2, requests);
    }

    private static async Task<RunningEndpoint> HealthEndpointAsync(Func<int> status)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/health", (HttpContext context) =>
        {
            context.Response.StatusCode = status();
        });
        await app.StartAsync(Cancellation).WaitAsync(Bound, Cancellation);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new RunningEndpoint(app, new Uri(address));
    }

    private sealed record RunningEndpoint(WebApplication App, Uri Url) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => App.DisposeAsync();
    }
}
