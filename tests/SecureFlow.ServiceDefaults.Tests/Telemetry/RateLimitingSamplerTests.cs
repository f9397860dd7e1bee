using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Trace;
using SecureFlow.ServiceDefaults.Telemetry;

namespace SecureFlow.ServiceDefaults.Tests.Telemetry;

/// <summary>
/// The services start at most so many new traces a second, so a load test does not flood the hops and the dashboard
/// with spans, while a trace is kept or dropped whole: every span follows its parent.
/// </summary>
public sealed class RateLimitingSamplerTests
{
    [Fact]
    public void ABurstGetsAsManyTracesAsTheRateAndTheBucketRefillsWithTime()
    {
        var time = new ManualTime();
        var recorded = new List<Activity>();
        using var source = new ActivitySource(nameof(ABurstGetsAsManyTracesAsTheRateAndTheBucketRefillsWithTime));
        using var tracing = Tracing(source.Name, new ParentBasedSampler(new RateLimitingSampler(5, time)), recorded);

        Assert.Equal(5, StartRoots(source, 8));

        time.Advance(TimeSpan.FromMilliseconds(400));
        Assert.Equal(2, StartRoots(source, 8));

        time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(5, StartRoots(source, 8));
    }

    [Fact]
    public void EverySpanFollowsItsParentWhateverTheBucketHolds()
    {
        var recorded = new List<Activity>();
        using var source = new ActivitySource(nameof(EverySpanFollowsItsParentWhateverTheBucketHolds));
        using var tracing = Tracing(source.Name, new ParentBasedSampler(new RateLimitingSampler(1, new ManualTime())), recorded);

        ActivityContext sampledRoot;
        using (var root = source.StartActivity("root"))
        {
            Assert.True(root?.Recorded);
            sampledRoot = root!.Context;
        }

        Assert.Equal(0, StartRoots(source, 3));
        using (var child = source.StartActivity("child", ActivityKind.Internal, sampledRoot))
        {
            Assert.True(child?.Recorded);
        }

        var sampledCaller = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        var unsampledCaller = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None, isRemote: true);
        using (var fromSampled = source.StartActivity("server", ActivityKind.Server, sampledCaller))
        {
            Assert.True(fromSampled?.Recorded);
        }

        using var fromUnsampled = source.StartActivity("server", ActivityKind.Server, unsampledCaller);
        Assert.False(fromUnsampled?.Recorded ?? false);
    }

    [Fact]
    public void TheServicesRateLimitNewTracesUnlessOtelTracesSamplerNamesAnother()
    {
        const int Burst = 200;
        Assert.InRange(StartRootsInService(sampler: null, Burst), Extensions.NewTracesPerSecond, Burst - 1);
        Assert.Equal(Burst, StartRootsInService(sampler: "always_on", Burst));
    }

    private static int StartRootsInService(string? sampler, int count)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["OTEL_TRACES_SAMPLER"] = sampler;
        builder.ConfigureOpenTelemetry();
        using var host = builder.Build();
        _ = host.Services.GetRequiredService<TracerProvider>();
        using var source = new ActivitySource(builder.Environment.ApplicationName);
        return StartRoots(source, count);
    }

    private static int StartRoots(ActivitySource source, int count)
    {
        var recorded = 0;
        for (var index = 0; index < count; index++)
        {
            using var root = source.StartActivity("root", ActivityKind.Server, parentContext: default);
            recorded += root?.Recorded == true ? 1 : 0;
        }

        return recorded;
    }

    private static TracerProvider Tracing(string source, Sampler sampler, List<Activity> recorded) => Sdk.CreateTracerProviderBuilder()
        .AddSource(source)
        .SetSampler(sampler)
        .AddInMemoryExporter(recorded)
        .Build()!;

    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
