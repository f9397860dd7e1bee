using System.Net;

namespace SecureFlow.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A steady stream of requests through the chain, on short-lived connections so that it keeps making new handshakes;
/// counts every request that did not come back 200.
/// </summary>
public sealed class SteadyTraffic : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpClient _client;
    private readonly Task[] _senders;
    private int _succeeded;
    private int _failed;

    public SteadyTraffic(SecureFlowApp app, string path, int concurrency = 2)
    {
        ArgumentNullException.ThrowIfNull(app);
        _client = TlsClients.CreateHttpClient(app.Root, connectionLifetime: TimeSpan.FromMilliseconds(200));
        var uri = app.EdgeUri(path);
        _senders = [.. Enumerable.Range(0, concurrency).Select(_ => Task.Run(() => SendAsync(uri)))];
    }

    public int Succeeded => Volatile.Read(ref _succeeded);

    public int Failed => Volatile.Read(ref _failed);

    /// <summary>Stops sending and waits for the requests in flight.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_senders).WaitAsync(SecureFlowApp.RequestTimeout);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _client.Dispose();
        _stop.Dispose();
    }

    private async Task SendAsync(Uri uri)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                // Not cancelled by the stop signal: a request in flight completes and counts.
                using var response = await _client.GetAsync(uri, CancellationToken.None);
                Interlocked.Increment(ref response.StatusCode == HttpStatusCode.OK ? ref _succeeded : ref _failed);
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref _failed);
            }
            catch (TaskCanceledException)
            {
                Interlocked.Increment(ref _failed);
            }
        }
    }
}
