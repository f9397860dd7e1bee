using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace SecureFlow.Gateway.Tests.Infrastructure;

/// <summary>
/// A TCP relay between one real TLS client and a gateway that re-frames the client's ClientHello before passing it on:
/// into handshake records of at most <c>fragmentLength</c> bytes (RFC 8446 5.1 lets a handshake message span several
/// records), written a byte at a time if asked, or rewritten. Everything after the ClientHello is relayed as it comes,
/// so an unchanged ClientHello completes the handshake end to end.
/// </summary>
public sealed class FragmentingRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _relay;

    private FragmentingRelay(int targetPort, int fragmentLength, bool byteAtATime, Func<byte[], byte[]>? rewrite)
    {
        _listener.Start();
        _relay = RelayAsync(targetPort, fragmentLength, byteAtATime, rewrite ?? (message => message));
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <param name="rewrite">Changes the ClientHello handshake message (its 4-byte header included) before it is framed.</param>
    public static FragmentingRelay Start(int targetPort, int fragmentLength, bool byteAtATime = false, Func<byte[], byte[]>? rewrite = null) =>
        new(targetPort, fragmentLength, byteAtATime, rewrite);

    /// <summary>Splits a handshake message into handshake records of at most <paramref name="fragmentLength"/> bytes.</summary>
    public static byte[] Frame(byte[] message, int fragmentLength)
    {
        using var records = new MemoryStream();
        for (var offset = 0; offset < message.Length; offset += fragmentLength)
        {
            var length = Math.Min(fragmentLength, message.Length - offset);
            Span<byte> header = [22, 3, 1, 0, 0];
            BinaryPrimitives.WriteUInt16BigEndian(header[3..], (ushort)length);
            records.Write(header);
            records.Write(message, offset, length);
        }

        return records.ToArray();
    }

    /// <summary>The handshake message carried by one record as a TLS client writes its ClientHello.</summary>
    public static byte[] Message(byte[] record) => record[5..];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await Task.WhenAny(_relay, Task.Delay(InProcessGateway.Timeout));
        _stop.Dispose();
    }

    private async Task RelayAsync(int targetPort, int fragmentLength, bool byteAtATime, Func<byte[], byte[]> rewrite)
    {
        using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
        using var gateway = new TcpClient { NoDelay = true };
        await gateway.ConnectAsync(IPAddress.Loopback, targetPort, _stop.Token);
        var fromClient = client.GetStream();
        var toGateway = gateway.GetStream();

        var hello = Frame(rewrite(Message(await ClientHelloCapture.ReadRecordAsync(fromClient))), fragmentLength);
        if (byteAtATime)
        {
            for (var i = 0; i < hello.Length; i++)
            {
                await toGateway.WriteAsync(hello.AsMemory(i, 1), _stop.Token);
                await toGateway.FlushAsync(_stop.Token);
            }
        }
        else
        {
            await toGateway.WriteAsync(hello, _stop.Token);
        }

        var up = PumpAsync(fromClient, toGateway);
        var down = PumpAsync(toGateway, fromClient);
        await Task.WhenAny(up, down);
        client.Close();
        gateway.Close();
    }

    private async Task PumpAsync(Stream from, Stream to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // Either side closing (or the test ending) ends the relay.
            return;
        }
    }
}
