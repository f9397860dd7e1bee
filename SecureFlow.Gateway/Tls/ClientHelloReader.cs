using System.Buffers;
using System.Buffers.Binary;

namespace SecureFlow.Gateway.Tls;

/// <summary>
/// Reassembles the ClientHello from the first bytes of one connection. A handshake message may span several TLS
/// records (RFC 8446 5.1): OpenSSL's <c>max_send_frag</c>, large key shares and anti-censorship tools all send it that
/// way, and OpenSSL accepts it, so the policy decides on the whole message, never on its first record. Called again
/// with the same buffer grown by what arrived since, it reads only the records it has not read yet.
/// </summary>
public sealed class ClientHelloReader
{
    /// <summary>
    /// The longest ClientHello read, its 4-byte header included. Real ones are well under 2 KiB (a post-quantum key
    /// share adds about 1.2 KiB); the bound keeps what one connection makes the gateway buffer small.
    /// </summary>
    public const int MaxLength = 16 * 1024;

    private const byte HandshakeRecord = 22;
    private const int RecordHeaderLength = 5;

    private readonly ArrayBufferWriter<byte> _message = new();
    private long _read;

    /// <summary>How many records the ClientHello read so far arrived in.</summary>
    public int Records { get; private set; }

    /// <summary>How many bytes of the connection those records take, headers included.</summary>
    public long Length => _read;

    /// <summary>The ClientHello handshake message read so far, its 4-byte header included.</summary>
    public ReadOnlyMemory<byte> Message => _message.WrittenMemory;

    /// <summary>Reads <paramref name="buffer"/> (the connection's bytes from its first one) as far as it goes.</summary>
    public ClientHelloReadResult TryRead(ReadOnlySequence<byte> buffer, out ClientHello? hello)
    {
        hello = null;
        Span<byte> header = stackalloc byte[RecordHeaderLength];
        while (true)
        {
            var rest = buffer.Slice(_read);
            if (rest.Length < RecordHeaderLength)
            {
                return rest.IsEmpty || rest.FirstSpan[0] == HandshakeRecord ? ClientHelloReadResult.Incomplete : ClientHelloReadResult.NotTls;
            }

            rest.Slice(0, RecordHeaderLength).CopyTo(header);
            var length = BinaryPrimitives.ReadUInt16BigEndian(header[3..]);

            // Only handshake records until the ClientHello is whole; an empty handshake fragment is forbidden (RFC 8446 5.1).
            if (header[0] != HandshakeRecord || header[1] != 3 || length is 0 || RecordHeaderLength + length > ClientHello.MaxRecordLength)
            {
                return ClientHelloReadResult.NotTls;
            }

            if (rest.Length < RecordHeaderLength + length)
            {
                return ClientHelloReadResult.Incomplete;
            }

            rest.Slice(RecordHeaderLength, length).CopyTo(_message.GetSpan(length));
            _message.Advance(length);
            _read += RecordHeaderLength + length;
            Records++;

            var message = _message.WrittenSpan;
            if (message.Length < 4)
            {
                continue;
            }

            if (message[0] != ClientHello.ClientHelloMessage)
            {
                return ClientHelloReadResult.NotTls;
            }

            var messageLength = 4 + (message[1] << 16 | message[2] << 8 | message[3]);
            if (messageLength > MaxLength)
            {
                return ClientHelloReadResult.TooLarge;
            }

            if (message.Length < messageLength)
            {
                continue;
            }

            // A client sends nothing after its ClientHello in the same flight of handshake records.
            if (message.Length > messageLength)
            {
                return ClientHelloReadResult.NotTls;
            }

            hello = ClientHello.Parse(message);
            return hello is null ? ClientHelloReadResult.NotTls : ClientHelloReadResult.Complete;
        }
    }
}
