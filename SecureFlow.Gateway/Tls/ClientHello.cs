using System.Buffers;
using System.Buffers.Binary;
using System.Net.Security;
using System.Security.Authentication;
using System.Text;

namespace SecureFlow.Gateway.Tls;

/// <summary>
/// The parts of a TLS ClientHello that decide whether the policy can accept it: the protocol versions and cipher
/// suites the client offers and the SNI name it sends. Read before the handshake so that a refusal can be counted by
/// its reason; the handshake itself is still OpenSSL's (through <see cref="SslStream"/>).
/// </summary>
public sealed record ClientHello(SslProtocols OfferedProtocols, IReadOnlySet<TlsCipherSuite> CipherSuites, string? ServerName)
{
    /// <summary>A TLS record carries at most 2^14 bytes of plaintext (RFC 8446 5.1), plus its 5-byte header.</summary>
    public const int MaxRecordLength = 5 + (1 << 14);

    internal const byte ClientHelloMessage = 1;
    private const ushort ServerNameExtension = 0;
    private const ushort SupportedVersionsExtension = 43;

    /// <summary>Reads a ClientHello from the first bytes of a connection, reassembled from as many records as it spans.</summary>
    public static ClientHelloReadResult TryRead(ReadOnlySequence<byte> buffer, out ClientHello? hello) =>
        new ClientHelloReader().TryRead(buffer, out hello);

    /// <summary>Reads a whole ClientHello handshake message (its 4-byte header included); null if it is not one.</summary>
    internal static ClientHello? Parse(ReadOnlySpan<byte> message)
    {
        var reader = new Reader(message);
        if (!reader.TryByte(out var type) || type != ClientHelloMessage || !reader.TrySkip(3)
            || !reader.TryUInt16(out var legacyVersion) || !reader.TrySkip(32)
            || !reader.TryVector8(out _) || !reader.TryVector16(out var suiteBytes) || !reader.TryVector8(out _))
        {
            return null;
        }

        var suites = new HashSet<TlsCipherSuite>();
        for (var i = 0; i + 1 < suiteBytes.Length; i += 2)
        {
            suites.Add((TlsCipherSuite)BinaryPrimitives.ReadUInt16BigEndian(suiteBytes[i..]));
        }

        var offered = ProtocolsUpTo(legacyVersion);
        string? serverName = null;

        // The message is whole: a ClientHello without extensions ends here, one with them ends with them.
        if (reader.Remaining == 0)
        {
            return new ClientHello(offered, suites, serverName);
        }

        if (!reader.TryVector16(out var extensions) || reader.Remaining != 0)
        {
            return null;
        }

        var extensionReader = new Reader(extensions);
        while (extensionReader.Remaining > 0)
        {
            if (!extensionReader.TryUInt16(out var extensionType) || !extensionReader.TryVector16(out var data))
            {
                return null;
            }

            if (extensionType == ServerNameExtension)
            {
                serverName = ReadServerName(data);
            }
            else if (extensionType == SupportedVersionsExtension)
            {
                offered = ReadSupportedVersions(data);
            }
        }

        return new ClientHello(offered, suites, serverName);
    }

    private static string? ReadServerName(ReadOnlySpan<byte> data)
    {
        var reader = new Reader(data);
        if (!reader.TryVector16(out var list))
        {
            return null;
        }

        var names = new Reader(list);
        while (names.TryByte(out var nameType) && names.TryVector16(out var name))
        {
            if (nameType == 0)
            {
                return Encoding.ASCII.GetString(name);
            }
        }

        return null;
    }

    private static SslProtocols ReadSupportedVersions(ReadOnlySpan<byte> data)
    {
        var protocols = SslProtocols.None;
        var reader = new Reader(data);
        if (reader.TryVector8(out var versions))
        {
            for (var i = 0; i + 1 < versions.Length; i += 2)
            {
                protocols |= Protocol(BinaryPrimitives.ReadUInt16BigEndian(versions[i..]));
            }
        }

        return protocols;
    }

#pragma warning disable SYSLIB0039, CA5397 // TLS 1.0 and 1.1 are named to recognise (and refuse) clients that offer them.
    private static SslProtocols Protocol(ushort version) => version switch
    {
        0x0301 => SslProtocols.Tls,
        0x0302 => SslProtocols.Tls11,
        0x0303 => SslProtocols.Tls12,
        0x0304 => SslProtocols.Tls13,
        _ => SslProtocols.None,
    };

    /// <summary>Without supported_versions a client offers every version up to its legacy version (RFC 5246 E.1).</summary>
    private static SslProtocols ProtocolsUpTo(ushort legacyVersion)
    {
        var protocols = SslProtocols.None;
        for (ushort version = 0x0301; version <= Math.Min(legacyVersion, (ushort)0x0303); version++)
        {
            protocols |= Protocol(version);
        }

        return protocols;
    }
#pragma warning restore SYSLIB0039, CA5397

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _data = data;

        public readonly int Remaining => _data.Length;

        public bool TryByte(out byte value)
        {
            value = 0;
            if (_data.IsEmpty)
            {
                return false;
            }

            value = _data[0];
            _data = _data[1..];
            return true;
        }

        public bool TryUInt16(out ushort value)
        {
            value = 0;
            if (_data.Length < 2)
            {
                return false;
            }

            value = BinaryPrimitives.ReadUInt16BigEndian(_data);
            _data = _data[2..];
            return true;
        }

        public bool TrySkip(int count)
        {
            if (_data.Length < count)
            {
                return false;
            }

            _data = _data[count..];
            return true;
        }

        public bool TryVector8(out ReadOnlySpan<byte> value)
        {
            value = default;
            return TryByte(out var length) && TryTake(length, out value);
        }

        public bool TryVector16(out ReadOnlySpan<byte> value)
        {
            value = default;
            var saved = _data;
            if (TryUInt16(out var length) && TryTake(length, out value))
            {
                return true;
            }

            _data = saved;
            return false;
        }

        private bool TryTake(int length, out ReadOnlySpan<byte> value)
        {
            value = default;
            if (_data.Length < length)
            {
                return false;
            }

            value = _data[..length];
            _data = _data[length..];
            return true;
        }
    }
}

public enum ClientHelloReadResult
{
    Complete,
    Incomplete,
    NotTls,

    /// <summary>The ClientHello is longer than <see cref="ClientHelloReader.MaxLength"/>.</summary>
    TooLarge,
}
