using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using SecureFlow.Gateway.Telemetry;

namespace SecureFlow.Gateway.Tls;

/// <summary>
/// Connection middleware around Kestrel's TLS middleware. Before the handshake it reads (without consuming) the
/// ClientHello, closes connections that do not start with one and predicts the policy's verdict; after the
/// handshake it counts the outcome: a completed handshake by protocol and cipher, a refused one by its reason.
/// OpenSSL and the SNI callback do the refusing; this class only lets the refusal be seen.
/// </summary>
internal sealed partial class TlsHandshakeGuard(GatewayTlsPolicy policy, GatewayMetrics metrics, TimeSpan helloTimeout, ILogger logger)
{
    private static readonly object CompletedKey = new();

    /// <summary>Runs before Kestrel's TLS middleware.</summary>
    public async Task OnConnectionAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var (read, hello) = await PeekClientHelloAsync(connection.Transport.Input, connection.ConnectionClosed).ConfigureAwait(false);
        HandshakeRefusal? expected = read switch
        {
            ClientHelloReadResult.NotTls => HandshakeRefusal.Malformed,
            ClientHelloReadResult.Incomplete => HandshakeRefusal.Incomplete,
            _ => policy.Classify(hello!),
        };

        if (expected is HandshakeRefusal.Malformed or HandshakeRefusal.Incomplete)
        {
            Refuse(connection, expected.Value, hello);
            connection.Abort(new ConnectionAbortedException($"TLS handshake refused: {expected.Value.ToTagValue()}."));
            return;
        }

        await next(connection).ConfigureAwait(false);

        if (!connection.Items.ContainsKey(CompletedKey))
        {
            Refuse(connection, expected ?? HandshakeRefusal.Other, hello);
        }
    }

    /// <summary>Runs after Kestrel's TLS middleware, that is, only for a completed handshake.</summary>
    public static Task OnHandshakeCompletedAsync(ConnectionContext connection, ConnectionDelegate next, GatewayMetrics metrics)
    {
        connection.Items[CompletedKey] = true;
        if (connection.Features.Get<ITlsHandshakeFeature>() is { } tls)
        {
            metrics.HandshakeCompleted(tls.Protocol, tls.NegotiatedCipherSuite.GetValueOrDefault());
        }

        return next(connection);
    }

    private async Task<(ClientHelloReadResult, ClientHello?)> PeekClientHelloAsync(PipeReader input, CancellationToken connectionClosed)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(connectionClosed);
        timeout.CancelAfter(helloTimeout);
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(timeout.Token).ConfigureAwait(false);
                var status = ClientHello.TryRead(result.Buffer, out var hello);
                if (status != ClientHelloReadResult.Incomplete || result.IsCompleted || result.IsCanceled)
                {
                    // Nothing is consumed: the TLS middleware reads the same bytes again.
                    input.AdvanceTo(result.Buffer.Start);
                    return (status, hello);
                }

                input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            }
        }
        catch (OperationCanceledException)
        {
            return (ClientHelloReadResult.Incomplete, null);
        }
    }

    private void Refuse(ConnectionContext connection, HandshakeRefusal reason, ClientHello? hello)
    {
        metrics.HandshakeRefused(reason);
        // The name is the client's bytes: only printable ASCII reaches the log.
        var serverName = SniHostName.ForLog(hello?.ServerName);
        LogRefused(logger, connection.ConnectionId, reason, serverName);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "TLS handshake on connection {ConnectionId} refused: {Reason} (SNI '{ServerName}')")]
    private static partial void LogRefused(ILogger logger, string connectionId, HandshakeRefusal reason, string serverName);
}
