using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Authentication;
using SecureFlow.Gateway.Tests.Infrastructure;
using SecureFlow.Gateway.Tls;

namespace SecureFlow.Gateway.Tests.Tls;

/// <summary>The ClientHello reader, on hellos written by real TLS clients and on hostile bytes.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class ClientHelloTests
{
    [Fact]
    public async Task ReadsVersionsCipherSuitesAndSniOfADotNetClient()
    {
        var bytes = await ClientHelloCapture.FromSslStreamAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "delta.secureflow.localhost",
            EnabledSslProtocols = SslProtocols.Tls12,
            CipherSuitesPolicy = new CipherSuitesPolicy([TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256]),
        });

        var hello = Read(bytes);

        // Without supported_versions a client offers every version up to its legacy version, here TLS 1.2.
        Assert.True(hello.OfferedProtocols.HasFlag(SslProtocols.Tls12));
        Assert.False(hello.OfferedProtocols.HasFlag(SslProtocols.Tls13));
        Assert.Contains(TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256, hello.CipherSuites);
        Assert.DoesNotContain(TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, hello.CipherSuites);
        Assert.Equal("delta.secureflow.localhost", hello.ServerName);
    }

    [Fact]
    public async Task ReadsTls13FromSupportedVersions()
    {
        var bytes = await ClientHelloCapture.FromSslStreamAsync(new SslClientAuthenticationOptions { TargetHost = "delta.secureflow.localhost" });

        var hello = Read(bytes);

        Assert.True(hello.OfferedProtocols.HasFlag(SslProtocols.Tls13));
        Assert.Contains(TlsCipherSuite.TLS_AES_128_GCM_SHA256, hello.CipherSuites);
    }

    [Fact]
    public async Task ClientWithoutSniHasNoServerName()
    {
        var bytes = await ClientHelloCapture.FromSslStreamAsync(new SslClientAuthenticationOptions { TargetHost = "" });

        Assert.Null(Read(bytes).ServerName);
    }

    [Fact]
    public async Task ReadsTls11OfferOfTheOpensslClient()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var openssl = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(
            "openssl", $"s_client -connect 127.0.0.1:{port} -servername delta.secureflow.localhost -tls1_1 -cipher DEFAULT@SECLEVEL=0")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        try
        {
            using var server = await listener.AcceptTcpClientAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

            var hello = Read(await ClientHelloCapture.ReadRecordAsync(server.GetStream()));

#pragma warning disable SYSLIB0039, CA5397 // The point: a client that offers nothing newer than TLS 1.1.
            Assert.True(hello.OfferedProtocols.HasFlag(SslProtocols.Tls11));
#pragma warning restore SYSLIB0039, CA5397
            Assert.False(hello.OfferedProtocols.HasFlag(SslProtocols.Tls12));
        }
        finally
        {
            openssl.Kill();
        }
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\n\r\n")]
    [InlineData("\u0016\u0003\u0003\u0000\u0000")]
    [InlineData("\u0015\u0003\u0003\u0000\u0002\u0002\u0028")]
    public void BytesThatAreNotAClientHelloAreNotTls(string text)
    {
        var bytes = System.Text.Encoding.Latin1.GetBytes(text);

        Assert.Equal(ClientHelloReadResult.NotTls, ClientHello.TryRead(new ReadOnlySequence<byte>(bytes), out _));
    }

    [Fact]
    public async Task PartOfAClientHelloIsIncomplete()
    {
        var bytes = await ClientHelloCapture.FromSslStreamAsync(new SslClientAuthenticationOptions { TargetHost = "delta.secureflow.localhost" });

        for (var length = 0; length < bytes.Length; length += 7)
        {
            Assert.Equal(ClientHelloReadResult.Incomplete, ClientHello.TryRead(new ReadOnlySequence<byte>(bytes, 0, length), out _));
        }
    }

    [Fact]
    public async Task MutatedClientHellosNeverThrow()
    {
        var original = await ClientHelloCapture.FromSslStreamAsync(new SslClientAuthenticationOptions { TargetHost = "delta.secureflow.localhost" });
        var random = new Random(20261126);

        for (var i = 0; i < 20_000; i++)
        {
            var bytes = (byte[])original.Clone();
            for (var flips = random.Next(1, 8); flips > 0; flips--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            var result = ClientHello.TryRead(new ReadOnlySequence<byte>(bytes, 0, random.Next(bytes.Length + 1)), out var hello);

            Assert.Equal(result == ClientHelloReadResult.Complete, hello is not null);
        }
    }

    private static ClientHello Read(byte[] bytes)
    {
        Assert.Equal(ClientHelloReadResult.Complete, ClientHello.TryRead(new ReadOnlySequence<byte>(bytes), out var hello));
        return hello!;
    }
}
