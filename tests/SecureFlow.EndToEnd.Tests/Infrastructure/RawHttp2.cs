using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using SecureFlow.ServiceDefaults.Tls;

namespace SecureFlow.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A minimal HTTP/2 client for requests no real client sends (malformed pseudo-headers, connection-specific headers,
/// floods of frames): the header block is HPACK literals without Huffman coding, and the outcome is what the edge did with
/// stream 1: answered (<c>status 403</c>), reset it (<c>reset 1</c>), ended the connection (<c>goaway 1</c>) or closed it.
/// </summary>
public static class RawHttp2
{
    private const byte Data = 0, Headers = 1, RstStream = 3, Settings = 4, GoAway = 7, Continuation = 9;
    private const byte EndStream = 0x1, EndHeaders = 0x4;

    /// <summary>The pseudo-headers of a good GET for <paramref name="path"/> at the edge's public host.</summary>
    public static List<(string Name, string Value)> Get(string path = "/api/flow", string authority = SecureFlowApp.PublicHost) =>
        [(":method", "GET"), (":scheme", "https"), (":authority", authority), (":path", path)];

    /// <summary>Opens an HTTP/2 connection to the edge (SNI and ALPN h2), sends the preface and empty settings.</summary>
    public static async Task<SslStream> ConnectAsync(SecureFlowApp app)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, app.EdgePort).WaitAsync(SecureFlowApp.RequestTimeout);
        var stream = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
        await stream.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = SecureFlowApp.PublicHost,
            ApplicationProtocols = [SslApplicationProtocol.Http2],
            CertificateChainPolicy = TrustedRootPolicy.TrustingOnly(app.Root),
        }).WaitAsync(SecureFlowApp.RequestTimeout);
        Assert.Equal(SslApplicationProtocol.Http2, stream.NegotiatedApplicationProtocol);
        await WriteAsync(stream, [.. "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8, .. Frame(Settings, 0, 0, [])]);
        return stream;
    }

    /// <summary>Sends one request (no body) on stream 1 of a new connection and returns what became of it.</summary>
    public static async Task<string> SendAsync(SecureFlowApp app, IEnumerable<(string Name, string Value)> headers)
    {
        await using var stream = await ConnectAsync(app);
        await WriteAsync(stream, Frame(Headers, EndStream | EndHeaders, 1, Encode(headers)));
        return await OutcomeAsync(stream);
    }

    /// <summary>A HEADERS frame for stream <paramref name="streamId"/>, optionally left open for CONTINUATION frames.</summary>
    public static byte[] HeadersFrame(int streamId, IEnumerable<(string Name, string Value)> headers, bool endHeaders = true) =>
        Frame(Headers, (byte)(EndStream | (endHeaders ? EndHeaders : 0)), streamId, Encode(headers));

    public static byte[] ContinuationFrame(int streamId, IEnumerable<(string Name, string Value)> headers) =>
        Frame(Continuation, 0, streamId, Encode(headers));

    /// <summary>RST_STREAM with CANCEL, what a client sends to abandon a request.</summary>
    public static byte[] ResetFrame(int streamId) => Frame(RstStream, 0, streamId, [0, 0, 0, 8]);

    /// <summary>Writes raw bytes; false when the edge has already closed the connection.</summary>
    public static async Task<bool> TryWriteAsync(Stream stream, byte[] bytes)
    {
        try
        {
            await WriteAsync(stream, bytes);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Reads frames until stream 1 is answered or reset, or the connection ends.</summary>
    public static async Task<string> OutcomeAsync(Stream stream)
    {
        var header = new byte[9];
        while (true)
        {
            byte[] payload;
            try
            {
                await stream.ReadExactlyAsync(header).AsTask().WaitAsync(SecureFlowApp.RequestTimeout);
                payload = new byte[(header[0] << 16) | (header[1] << 8) | header[2]];
                await stream.ReadExactlyAsync(payload).AsTask().WaitAsync(SecureFlowApp.RequestTimeout);
            }
            catch (Exception exception) when (exception is EndOfStreamException or IOException)
            {
                return "closed";
            }

            var streamId = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(5)) & int.MaxValue;
            switch (header[3])
            {
                case Headers when streamId == 1:
                    return $"status {Status(payload)}";
                case RstStream when streamId == 1:
                    return $"reset {BinaryPrimitives.ReadUInt32BigEndian(payload)}";
                // A graceful GOAWAY (NO_ERROR) that still covers stream 1 announces the end of the connection after its
                // answer (a refusal closes the connection that way): the answer follows.
                case GoAway when BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(4)) == 0 && (BinaryPrimitives.ReadInt32BigEndian(payload) & int.MaxValue) >= 1:
                    break;
                case GoAway:
                    return $"goaway {BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(4))}";
                case Settings when (header[4] & 1) == 0:
                    await TryWriteAsync(stream, Frame(Settings, 1, 0, []));
                    break;
                case Data:
                default:
                    break;
            }
        }
    }

    private static Task WriteAsync(Stream stream, byte[] bytes) => stream.WriteAsync(bytes).AsTask().WaitAsync(SecureFlowApp.RequestTimeout);

    private static byte[] Frame(byte type, byte flags, int streamId, byte[] payload)
    {
        var frame = new byte[9 + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = type;
        frame[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), streamId);
        payload.CopyTo(frame, 9);
        return frame;
    }

    /// <summary>HPACK: each field a literal without indexing, with a new name, neither string Huffman-coded.</summary>
    private static byte[] Encode(IEnumerable<(string Name, string Value)> headers)
    {
        var block = new List<byte>();
        foreach (var (name, value) in headers)
        {
            block.Add(0);
            foreach (var text in new[] { name, value })
            {
                var bytes = Encoding.Latin1.GetBytes(text);
                EncodeInteger(block, bytes.Length);
                block.AddRange(bytes);
            }
        }

        return [.. block];
    }

    private static void EncodeInteger(List<byte> block, int value)
    {
        if (value < 127)
        {
            block.Add((byte)value);
            return;
        }

        block.Add(127);
        for (value -= 127; value >= 128; value >>= 7)
        {
            block.Add((byte)((value & 127) | 128));
        }

        block.Add((byte)value);
    }

    /// <summary>The :status of a response header block: Kestrel sends it first, indexed or as a literal with indexed name 8.</summary>
    private static int Status(byte[] block)
    {
        int[] indexed = [200, 204, 206, 304, 400, 404, 500];
        if ((block[0] & 0x80) != 0)
        {
            return indexed[(block[0] & 0x7F) - 8];
        }

        Assert.True((block[0] & 0x0F) == 8 && (block[1] & 0x80) == 0, "Expected :status first, as a literal that is not Huffman-coded.");
        return int.Parse(Encoding.ASCII.GetString(block, 2, block[1]), System.Globalization.CultureInfo.InvariantCulture);
    }
}
