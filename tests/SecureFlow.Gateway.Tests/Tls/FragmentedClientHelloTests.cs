using System.Buffers.Binary;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Authentication;
using SecureFlow.Gateway.Tests.Infrastructure;
using SecureFlow.ServiceDefaults.Tls;

namespace SecureFlow.Gateway.Tests.Tls;

/// <summary>
/// A ClientHello may span several TLS records (RFC 8446 5.1) and arrive in any number of TCP segments: the gateway
/// decides on the whole message, and a real handshake split that way completes. One longer than the gateway reads is
/// refused as malformed.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class FragmentedClientHelloTests : IAsyncLifetime
{
    private const string Handshakes = "secureflow.gateway.tls.handshakes";
    private const string Refused = "secureflow.gateway.tls.refused_handshakes";

    private InProcessGateway _gateway = null!;

    public async ValueTask InitializeAsync() => _gateway = await InProcessGateway.StartAsync();

    public ValueTask DisposeAsync() => _gateway.DisposeAsync();

    [Theory]
    [InlineData(100, false)]
    [InlineData(512, false)]
    [InlineData(1, false)]
    [InlineData(100, true)]
    public async Task ClientHelloSplitIntoSeveralRecordsCompletesTheHandshake(int fragmentLength, bool byteAtATime)
    {
        await using var relay = FragmentingRelay.Start(_gateway.HttpsPort, fragmentLength, byteAtATime);

        await using var stream = await HandshakeThroughAsync(relay);

        Assert.Equal(SslProtocols.Tls13, stream.SslProtocol);
        await InProcessGateway.EventuallyAsync(() => _gateway.Total(Handshakes) == 1, "the handshake count");
        Assert.Equal(0, _gateway.Total(Refused));
    }

    [Fact]
    public async Task ClientHelloWrittenOneByteAtATimeCompletesTheHandshake()
    {
        await using var relay = FragmentingRelay.Start(_gateway.HttpsPort, fragmentLength: ushort.MaxValue, byteAtATime: true);

        await using var stream = await HandshakeThroughAsync(relay);

        await InProcessGateway.EventuallyAsync(() => _gateway.Total(Handshakes) == 1, "the handshake count");
        Assert.Equal(0, _gateway.Total(Refused));
    }

    [Fact]
    public async Task OpensslClientHelloFragmentedByMaxSendFragCompletesTheHandshake()
    {
        // An ffdhe8192 key share makes the ClientHello over 1 KiB; -max_send_frag 512 sends it in three records.
        var output = await OpensslAsync("-max_send_frag", "512", "-groups", "ffdhe8192:X25519");

        Assert.Contains("Verify return code: 0 (ok)", output, StringComparison.Ordinal);
        await InProcessGateway.EventuallyAsync(() => _gateway.Total(Handshakes) == 1, "the handshake count");
        Assert.Equal(0, _gateway.Total(Refused));
    }

    [Fact]
    public async Task ClientHelloLongerThan16KiBIsRefusedAsMalformed()
    {
        await using var relay = FragmentingRelay.Start(_gateway.HttpsPort, fragmentLength: 1 << 14, rewrite: message => WithPadding(message, 17 * 1024));

        var refused = await Record.ExceptionAsync(async () => await (await HandshakeThroughAsync(relay)).DisposeAsync());

        Assert.True(refused is AuthenticationException or IOException, $"Expected a refusal, got {refused?.GetType().Name ?? "success"}.");
        await InProcessGateway.EventuallyAsync(() => _gateway.Total(Refused, ("reason", "malformed")) == 1, "a malformed refusal");
        Assert.Equal(0, _gateway.Total(Handshakes));
    }

    private async Task<SslStream> HandshakeThroughAsync(FragmentingRelay relay)
    {
        var client = new TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, relay.Port).WaitAsync(InProcessGateway.Timeout);
        var stream = new SslStream(client.GetStream());
        try
        {
            await stream.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = InProcessGateway.HostName, CertificateChainPolicy = TrustedRootPolicy.TrustingOnly(_gateway.Root),
            }).WaitAsync(InProcessGateway.Timeout);
            return stream;
        }
        catch
        {
            await stream.DisposeAsync();
            client.Dispose();
            throw;
        }
    }

    private async Task<string> OpensslAsync(params string[] options)
    {
        var rootPath = Path.Combine(_gateway.CreateDirectory("openssl"), "root.crt");
        await File.WriteAllTextAsync(rootPath, _gateway.Root.ExportCertificatePem());
        return await Openssl.RunAsync(
            ["s_client", "-connect", $"127.0.0.1:{_gateway.HttpsPort}", "-servername", InProcessGateway.HostName, "-CAfile", rootPath, .. options]);
    }

    /// <summary>Appends a padding extension (RFC 7685) that makes the ClientHello <paramref name="length"/> bytes long or more.</summary>
    private static byte[] WithPadding(byte[] message, int length)
    {
        var padding = length - message.Length;
        var extension = new byte[4 + padding];
        BinaryPrimitives.WriteUInt16BigEndian(extension, 21);
        BinaryPrimitives.WriteUInt16BigEndian(extension.AsSpan(2), (ushort)padding);
        var padded = (byte[])[.. message, .. extension];

        // The message's 24-bit length, then the extensions' 16-bit length (the last two-byte field before the first extension).
        var bodyLength = padded.Length - 4;
        padded[1] = (byte)(bodyLength >> 16);
        padded[2] = (byte)(bodyLength >> 8);
        padded[3] = (byte)bodyLength;
        var extensionsAt = ExtensionsOffset(message);
        var extensionsLength = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(extensionsAt)) + extension.Length;
        BinaryPrimitives.WriteUInt16BigEndian(padded.AsSpan(extensionsAt), (ushort)extensionsLength);
        return padded;
    }

    private static int ExtensionsOffset(byte[] message)
    {
        var offset = 4 + 2 + 32;
        offset += 1 + message[offset];
        offset += 2 + BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(offset));
        offset += 1 + message[offset];
        return offset;
    }
}
