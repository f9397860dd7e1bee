using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;
using SecureFlow.ServiceDefaults.Telemetry;

namespace SecureFlow.ServiceDefaults.Tests.Telemetry;

/// <summary>
/// A certificate poll every few seconds is no trace of its own, neither at the caller nor at the vault it calls; a
/// request is traced at both. Both sides run the services' own telemetry set-up (ConfigureOpenTelemetry) over real HTTP.
/// </summary>
public sealed class UntracedOperationTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task APollRecordsNoSpanAtTheCallerNorAtTheServiceItCallsWhileARequestIsTracedAtBoth()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var exported = new List<Activity>();
        await using var vault = await StartVaultAsync(exported, cancellation);
        using var caller = StartCaller(exported);
        var client = caller.Services.GetRequiredService<IHttpClientFactory>().CreateClient();
        var address = vault.Urls.Single();

        using (UntracedOperation.Start("SecureFlow.CertificatePoll"))
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri($"{address}/poll"), cancellation).WaitAsync(Timeout, cancellation)).StatusCode);
        }

        using (var request = new ActivitySource("test").StartActivity("request"))
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri($"{address}/request"), cancellation).WaitAsync(Timeout, cancellation)).StatusCode);
        }

        // The vault ends its span after the response has left: wait for it (bounded). Requests on one connection are
        // handled in turn, so the poll's server span, had there been one, ended before this one began.
        var spans = await ExportedAsync(exported, caller, vault, spans => spans.Contains("Server /request"), cancellation);

        Assert.DoesNotContain(spans, span => span.Contains("/poll", StringComparison.Ordinal));
        Assert.Contains("Server /request", spans);
        Assert.Contains(spans, span => span.StartsWith("Client ", StringComparison.Ordinal) && span.EndsWith("/request", StringComparison.Ordinal));
    }

    private static async Task<string[]> ExportedAsync(List<Activity> exported, IHost caller, WebApplication vault, Func<string[], bool> done, CancellationToken cancellation)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(Timeout);
        while (true)
        {
            caller.Services.GetRequiredService<TracerProvider>().ForceFlush();
            vault.Services.GetRequiredService<TracerProvider>().ForceFlush();
            string[] spans;
            lock (exported)
            {
                spans = [.. exported.Select(span => $"{span.Kind} {span.GetTagItem("url.path") ?? span.GetTagItem("url.full")}")];
            }

            if (done(spans) || timeout.IsCancellationRequested)
            {
                return spans;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
        }
    }

    private static async Task<WebApplication> StartVaultAsync(List<Activity> exported, CancellationToken cancellation)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.ConfigureOpenTelemetry();
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(exported));
        var app = builder.Build();
        app.MapGet("/{path}", (string path) => Results.Ok(path));
        await app.StartAsync(cancellation).WaitAsync(Timeout, cancellation);
        return app;
    }

    private static IHost StartCaller(List<Activity> exported)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.ConfigureOpenTelemetry();
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource("test").AddInMemoryExporter(exported));
        builder.Services.AddHttpClient();
        var host = builder.Build();
        _ = host.Services.GetRequiredService<TracerProvider>();
        return host;
    }
}
