using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace SecureFlow.AppHost.Networking;

/// <summary>
/// Receives the egress firewall's access log (Squid's <c>tcp://</c> log module, one line per request), writes each
/// decision to the firewall's console in the dashboard in the shape of Azure Firewall's application rule log, and
/// counts it. Squid cannot write to its own stdout once it has dropped root privileges, so its log comes here instead.
/// </summary>
internal sealed partial class EgressLogReceiver : IAsyncDisposable
{
    /// <summary>The meter of the egress firewall's decisions (the AppHost's, since the AppHost reads the log).</summary>
    public const string MeterName = "SecureFlow.Egress";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Requests = Meter.CreateCounter<long>(
        "secureflow.egress.requests", description: "Requests the egress firewall decided, by service, destination and action.");
    private static readonly Counter<long> Denials = Meter.CreateCounter<long>(
        "secureflow.egress.denied_requests", description: "Requests the egress firewall denied: the destination is not on the service's allow-list.");

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly IReadOnlyList<EgressSource> _sources;
    private readonly ILogger _console;
    private readonly Func<EgressDecision, Task>? _decided;
    private Task? _accepting;

    /// <param name="decided">Called with each decision once it is logged and counted (the dashboard's resource properties).</param>
    public EgressLogReceiver(IReadOnlyList<EgressSource> sources, ILogger console, Func<EgressDecision, Task>? decided = null)
    {
        _sources = sources;
        _console = console;
        _decided = decided;
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public void Start()
    {
        _listener.Start();
        _accepting = AcceptAsync(_stop.Token);
    }

    /// <summary>The console line for one access log line, and the decision for the metrics; null for a line of another shape.</summary>
    public EgressDecision? Parse(string line)
    {
        var fields = line.Split('\t');
        if (fields.Length != 6 || !int.TryParse(fields[4], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            return null;
        }

        var (service, client, method, host, result) = (fields[0], fields[1], fields[2], fields[3], fields[5]);
        var source = _sources.FirstOrDefault(candidate => candidate.Service == service);
        var denied = result.StartsWith("TCP_DENIED", StringComparison.Ordinal);
        var protocol = method == "CONNECT" ? "HTTPS" : "HTTP";
        var rule = denied ? null : source?.Allowing(host, port);
        var message = string.Create(CultureInfo.InvariantCulture,
            $"{protocol} request from {service} ({client}) to {host}:{port}. Action: {(denied ? "Deny" : "Allow")}. Rule Collection: {source?.RuleCollection ?? "none"}. ")
            + (denied
                ? $"Reason: {host}:{port} is not on {service}'s allow-list (WithEgressTo)."
                : $"Rule: {rule?.ToString() ?? "-"}. Result: {result}.");
        return new EgressDecision(service, host, port, denied, message);
    }

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        List<Task> readers = [];
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(cancellationToken).ConfigureAwait(false);
                readers.Add(ReadAsync(client, cancellationToken));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the AppHost is shutting down.
        }

        await Task.WhenAll(readers).ConfigureAwait(false);
    }

    private async Task ReadAsync(TcpClient client, CancellationToken cancellationToken)
    {
        using (client)
        using (var reader = new StreamReader(client.GetStream()))
        {
            try
            {
                while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
                {
                    if (Record(line) is { } decision && _decided is not null)
                    {
                        await _decided(decision).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Stopping: the AppHost is shutting down.
            }
            catch (IOException exception)
            {
                LogConnectionEnded(_console, exception.Message);
            }
        }
    }

    private EgressDecision? Record(string line)
    {
        if (Parse(line) is not { } decision)
        {
            LogUnknownLine(_console, line);
            return null;
        }

        TagList tags = new()
        {
            { "secureflow.service", decision.Service },
            { "server.address", decision.Host },
            { "server.port", decision.Port },
        };
        if (decision.Denied)
        {
            Denials.Add(1, tags);
            LogDenied(_console, decision.Message);
        }
        else
        {
            LogAllowed(_console, decision.Message);
        }

        tags.Add("egress.action", decision.Denied ? "Deny" : "Allow");
        Requests.Add(1, tags);
        return decision;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        if (_accepting is not null)
        {
            await _accepting.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Decision}")]
    private static partial void LogDenied(ILogger logger, string decision);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Decision}")]
    private static partial void LogAllowed(ILogger logger, string decision);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The egress firewall's access log connection ended: {Reason}")]
    private static partial void LogConnectionEnded(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Egress firewall access log line of an unknown shape: {Line}")]
    private static partial void LogUnknownLine(ILogger logger, string line);
}
