using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace SecureFlow.Verify.Tests.Infrastructure;

/// <summary>
/// The workload behind an <see cref="NginxTarget"/>: a plain HTTP/1.1 server on loopback that answers every request
/// with the flow report's shape, from the request it really got: the model's hops plus every hop record that reached
/// it, its forwarding headers and the names of all its headers. One request per connection, bounded reads.
/// </summary>
public sealed class FlowReportBackend : IAsyncDisposable
{
    private const int MaxHead = 64 * 1024;
    private static readonly string[] ModelHops = ["edge", "ingress", "workload", "orders"];
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public FlowReportBackend()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting.WaitAsync(ReadTimeout);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _ = AnswerAsync(client);
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var head = new List<byte>();
            var buffer = new byte[4096];
            while (head.Count < MaxHead && !EndsHead(head))
            {
                var read = await stream.ReadAsync(buffer, _stop.Token).AsTask().WaitAsync(ReadTimeout, _stop.Token);
                if (read == 0)
                {
                    return;
                }

                head.AddRange(buffer.AsSpan(0, read));
            }

            // The body (the WAF probes send small ones) is not read: the answer does not depend on it.
            var lines = Encoding.Latin1.GetString([.. head]).Split("\r\n").Skip(1).TakeWhile(line => line.Length > 0).ToList();
            var headers = lines.Select(line => (Name: line[..line.IndexOf(':', StringComparison.Ordinal)], Value: line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim())).ToList();
            string Values(string name) => string.Join(", ", headers.Where(header => header.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(header => header.Value));
            var forgedHops = headers.Where(header => header.Name.Equals("SecureFlow-Hop", StringComparison.OrdinalIgnoreCase))
                .SelectMany(header => header.Value.Split(','))
                .Select(record => record.Split(';')[0].Trim())
                .Where(field => field.StartsWith("hop=", StringComparison.Ordinal))
                .Select(field => new { hop = field[4..] });
            var report = JsonSerializer.Serialize(new
            {
                hops = ModelHops.Select(hop => new { hop }).Concat(forgedHops),
                workload = new
                {
                    forwardedFor = Values("X-Forwarded-For"),
                    forwardedHost = Values("X-Forwarded-Host"),
                    headerNames = headers.Select(header => header.Name).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase),
                },
            });
            var body = Encoding.UTF8.GetBytes(report);
            var response = string.Create(CultureInfo.InvariantCulture, $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
            await stream.WriteAsync(Encoding.ASCII.GetBytes(response), _stop.Token).AsTask().WaitAsync(ReadTimeout, _stop.Token);
            await stream.WriteAsync(body, _stop.Token).AsTask().WaitAsync(ReadTimeout, _stop.Token);
        }
    }

    // The head ends at the first empty line; the body may arrive in the same read.
    private static bool EndsHead(List<byte> head) => Encoding.Latin1.GetString([.. head]).Contains("\r\n\r\n", StringComparison.Ordinal);
}
