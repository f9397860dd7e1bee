using OpenTelemetry.Trace;

namespace SecureFlow.ServiceDefaults.Telemetry;

/// <summary>
/// Samples at most <see cref="TracesPerSecond"/> new traces a second (a token bucket that holds as many), so that what a
/// developer does by hand is traced whole while a load test does not drown the services and the dashboard in spans:
/// every span costs the service that records it and the collector that stores it, on every hop. Used as the root sampler
/// of a <see cref="ParentBasedSampler"/>: a span whose parent was sampled (or not) follows its parent, so a trace is kept
/// or dropped whole across the chain; only the hop that starts a trace decides.
/// </summary>
public sealed class RateLimitingSampler : Sampler
{
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private double _tokens;
    private long _refilled;

    public RateLimitingSampler(int tracesPerSecond, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tracesPerSecond);
        TracesPerSecond = tracesPerSecond;
        _time = time ?? TimeProvider.System;
        _tokens = tracesPerSecond;
        _refilled = _time.GetTimestamp();
        Description = $"RateLimitingSampler{{{tracesPerSecond}/s}}";
    }

    public int TracesPerSecond { get; }

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            _tokens = Math.Min(TracesPerSecond, _tokens + (_time.GetElapsedTime(_refilled, now).TotalSeconds * TracesPerSecond));
            _refilled = now;
            if (_tokens < 1)
            {
                return new SamplingResult(SamplingDecision.Drop);
            }

            _tokens--;
            return new SamplingResult(SamplingDecision.RecordAndSample);
        }
    }
}
