using System.Collections.Concurrent;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace SecureFlow.EndToEnd.Tests.Infrastructure;

/// <summary>Collects the console output of the app's resources, so that a test can wait for a line it caused.</summary>
public sealed class ResourceLogs : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, List<string>> _lines = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _watchers = [];

    public ResourceLogs(DistributedApplication app, params string[] resources)
    {
        var service = app.Services.GetRequiredService<ResourceLoggerService>();
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        foreach (var resource in resources)
        {
            var modelResource = model.Resources.Single(candidate => candidate.Name == resource);
            var lines = _lines.GetOrAdd(resource, _ => []);
            _watchers.Add(Task.Run(async () =>
            {
                await foreach (var batch in service.WatchAsync(modelResource).WithCancellation(_stop.Token))
                {
                    lock (lines)
                    {
                        lines.AddRange(batch.Select(line => line.Content));
                    }
                }
            }));
        }
    }

    /// <summary>How many lines <paramref name="resource"/> has written so far; pass it to <see cref="WaitForAsync"/>.</summary>
    public int Mark(string resource)
    {
        var lines = _lines[resource];
        lock (lines)
        {
            return lines.Count;
        }
    }

    /// <summary>Waits for a line after <paramref name="mark"/> that contains <paramref name="text"/>.</summary>
    public async Task<string> WaitForAsync(string resource, int mark, string text, TimeSpan? timeout = null)
    {
        var lines = _lines[resource];
        var deadline = DateTime.UtcNow + (timeout ?? SecureFlowApp.RequestTimeout);
        while (true)
        {
            lock (lines)
            {
                var found = lines.Skip(mark).FirstOrDefault(line => line.Contains(text, StringComparison.Ordinal));
                if (found is not null)
                {
                    return found;
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"'{resource}' wrote no line containing '{text}'.");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Every line written so far, for assertions over a whole run.</summary>
    public IReadOnlyList<string> All(string resource)
    {
        var lines = _lines[resource];
        lock (lines)
        {
            return [.. lines];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_watchers.Select(watcher => watcher.ContinueWith(_ => { }, TaskScheduler.Default))).WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }
}
