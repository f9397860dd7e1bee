using System.Buffers.Binary;
using System.IO.Pipelines;

namespace SecureFlow.Gateway.Tls;

/// <summary>
/// The connection's transport with a ClientHello that arrived in several records handed on as one record. .NET's
/// SslStream reads the SNI name for the certificate callback from the first record only, so a ClientHello whose
/// server_name extension lies past its first record would reach the callback without a name and be refused. The
/// handshake transcript covers handshake messages, not how they were framed (RFC 8446 4.4.1), so the client's
/// handshake completes unchanged; the gateway reads at most <see cref="ClientHelloReader.MaxLength"/> bytes of
/// ClientHello, which fits one record. Everything after the ClientHello is copied through as it arrives.
/// </summary>
internal sealed class SingleRecordClientHelloTransport : IDuplexPipe, IAsyncDisposable
{
    private const byte HandshakeRecord = 22;

    private readonly Pipe _input = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly IDuplexPipe _transport;
    private Task _copy = Task.CompletedTask;

    private SingleRecordClientHelloTransport(IDuplexPipe transport) => _transport = transport;

    public PipeReader Input => _input.Reader;

    public PipeWriter Output => _transport.Output;

    /// <summary>
    /// Starts reading <paramref name="transport"/>, whose input must be positioned just after the ClientHello's
    /// records; <paramref name="message"/> is the whole ClientHello handshake message.
    /// </summary>
    public static async Task<SingleRecordClientHelloTransport> StartAsync(IDuplexPipe transport, ReadOnlyMemory<byte> message)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(message.Length, ClientHello.MaxRecordLength - 5);
        var reframed = new SingleRecordClientHelloTransport(transport);
        var header = reframed._input.Writer.GetSpan(5);
        header[0] = HandshakeRecord;

        // legacy_record_version 0x0301: what clients write on the records of their first ClientHello (RFC 8446 5.1).
        header[1] = 3;
        header[2] = 1;
        BinaryPrimitives.WriteUInt16BigEndian(header[3..], (ushort)message.Length);
        reframed._input.Writer.Advance(5);
        await reframed._input.Writer.WriteAsync(message).ConfigureAwait(false);
        reframed._copy = reframed.CopyAsync();
        return reframed;
    }

    /// <summary>Stops copying; the transport itself stays the connection's, closed by Kestrel.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _copy.ConfigureAwait(false);
        await _input.Reader.CompleteAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task CopyAsync()
    {
        try
        {
            await _transport.Input.CopyToAsync(_input.Writer, _stop.Token).ConfigureAwait(false);
            await _input.Writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException)
        {
            // Stopped (DisposeAsync), or the client's side failed: the TLS stack reading this pipe sees the same failure.
            await _input.Writer.CompleteAsync(_stop.IsCancellationRequested ? null : exception).ConfigureAwait(false);
        }
    }
}
