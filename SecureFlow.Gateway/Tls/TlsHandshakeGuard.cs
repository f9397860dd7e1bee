using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using SecureFlow.Gateway.Telemetry;

namespace SecureFlow.Gateway.Tls;

/// <summary>
/// Connection middleware around Kestrel's TLS middleware. Before the handshake it reads (without consuming) the
/// ClientHello, reassembled from as many records as it spans, closes connections that do not start with one (or whose
/// ClientHello is longer than <see cref="ClientHelloReader.MaxLength"/>) and predicts the policy's verdict; after the
/// handshake it counts the outcome: a completed handshake by protocol and cipher, a refused one by its reason.
/// OpenSSL and the SNI callback do the refusing; this class only lets the refusal be seen.
/// </summary>
internal sealed partial class TlsHandshakeGuard(ListenerHandshake policy, GatewayMetrics metrics, TimeSpan helloTimeout, ILogger logger)
{
    private static readonly object CompletedKey = new();

    /// <summary>Runs before Kestrel's TLS middleware.</summary>
    public async Task OnConnectionAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var (read, hello, reader) = await PeekClientHelloAsync(connection.Transport.Input, connection.ConnectionClosed).ConfigureAwait(false);
        HandshakeRefusal? expected = read switch
        {
            ClientHelloReadResult.NotTls or ClientHelloReadResult.TooLarge => HandshakeRefusal.Malformed,
            ClientHelloReadResult.Incomplete => HandshakeRefusal.Incomplete,
            _ => policy.Classify(hello!),
        };

        if (expected is HandshakeRefusal.Malformed or HandshakeRefusal.Incomplete)
        {
            Refuse(connection, expected.Value, hello);
            connection.Abort(new ConnectionAbortedException($"TLS handshake refused: {expected.Value.ToTagValue()}."));
            return;
        }

        var transport = connection.Transport;
        await using var reframed = read == ClientHelloReadResult.Complete && reader.Records > 1
            ? await SingleRecordClientHelloTransport.StartAsync(transport, reader.Message).ConfigureAwait(false)
            : null;
        connection.Transport = reframed ?? transport;
        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            connection.Transport = transport;
        }

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

    /// <summary>
    /// Reads the ClientHello without consuming it, so that the TLS middleware reads the same bytes again; a ClientHello
    /// that spans several records is consumed, to be handed on as one record.
    /// </summary>
    private async Task<(ClientHelloReadResult, ClientHello?, ClientHelloReader)> PeekClientHelloAsync(PipeReader input, CancellationToken connectionClosed)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(connectionClosed);
        timeout.CancelAfter(helloTimeout);
        var reader = new ClientHelloReader();
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(timeout.Token).ConfigureAwait(false);
                var status = reader.TryRead(result.Buffer, out var hello);
                if (status != ClientHelloReadResult.Incomplete || result.IsCompleted || result.IsCanceled)
                {
                    var reframe = status == ClientHelloReadResult.Complete && reader.Records > 1;
                    input.AdvanceTo(reframe ? result.Buffer.GetPosition(reader.Length) : result.Buffer.Start);
                    return (status, hello, reader);
                }

                input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            }
        }
        catch (OperationCanceledException)
        {
            return (ClientHelloReadResult.Incomplete, null, reader);
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
