using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace SecureFlow.Gateway.Tests.Infrastructure;

/// <summary>
/// Keeps what a gateway logged, with its level and the trace it was logged in (what OpenTelemetry's logging attaches,
/// and what links a log line to its trace on the dashboard), so that a test can assert on a warning it must give.
/// </summary>
public sealed class RecordingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Message, string? TraceId)> _entries = new();

    public IReadOnlyList<(LogLevel Level, string Message, string? TraceId)> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new RecordingLogger(_entries);

    public void Dispose()
    {
    }

    private sealed class RecordingLogger(ConcurrentQueue<(LogLevel Level, string Message, string? TraceId)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue((logLevel, formatter(state, exception), Activity.Current?.TraceId.ToHexString()));
    }
}
