using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using SecureFlow.Gateway.Tls;

namespace SecureFlow.Gateway.Tests.Infrastructure;

/// <summary>Captures the first record a real TLS client sends: a ClientHello as .NET (OpenSSL) writes it.</summary>
public static class ClientHelloCapture
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public static async Task<byte[]> FromSslStreamAsync(SslClientAuthenticationOptions options)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port).WaitAsync(Timeout);
        using var server = await listener.AcceptTcpClientAsync().WaitAsync(Timeout);
        using var ssl = new SslStream(client.GetStream());
        var handshake = ssl.AuthenticateAsClientAsync(options);

        var record = await ReadRecordAsync(server.GetStream());
        server.Close();
        await Assert.ThrowsAnyAsync<Exception>(() => handshake.WaitAsync(Timeout));
        return record;
    }

    public static async Task<byte[]> ReadRecordAsync(Stream stream)
    {
        var buffer = new ArrayBufferWriter<byte>();
        while (true)
        {
            var memory = buffer.GetMemory(4096);
            var read = await stream.ReadAsync(memory).AsTask().WaitAsync(Timeout);
            if (read == 0)
            {
                return buffer.WrittenSpan.ToArray();
            }

            buffer.Advance(read);
            if (ClientHello.TryRead(new ReadOnlySequence<byte>(buffer.WrittenMemory), out _) != ClientHelloReadResult.Incomplete)
            {
                return buffer.WrittenSpan.ToArray();
            }
        }
    }
}
