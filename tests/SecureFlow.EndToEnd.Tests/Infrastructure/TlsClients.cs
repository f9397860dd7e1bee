using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using SecureFlow.ServiceDefaults.Tls;

namespace SecureFlow.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Real TLS clients for the chain. .NET on Linux does not resolve <c>*.localhost</c>, so they dial 127.0.0.1 and send
/// the host name as SNI; they trust only the development CA root.
/// </summary>
public static class TlsClients
{
    /// <param name="connectionLifetime">How long a connection is reused; short, so that a stream of requests keeps making new handshakes.</param>
    public static HttpClient CreateHttpClient(X509Certificate2 root, TimeSpan? connectionLifetime = null) => new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = connectionLifetime ?? Timeout.InfiniteTimeSpan,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
        SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = TrustedRootPolicy.TrustingOnly(root) },
    })
    {
        Timeout = SecureFlowApp.RequestTimeout,
    };


    /// <summary>A TLS handshake with 127.0.0.1:<paramref name="port"/>; returns the stream, or throws as the handshake failed.</summary>
    public static async Task<SslStream> HandshakeAsync(
        int port, X509Certificate2 root, string? serverName, SslProtocols protocols = SslProtocols.None, CipherSuitesPolicy? cipherSuites = null,
        X509Certificate2? clientCertificate = null)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(SecureFlowApp.RequestTimeout);
        var stream = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
        try
        {
            var options = new SslClientAuthenticationOptions
            {
                // An empty target host sends no SNI at all.
                TargetHost = serverName ?? "",
                EnabledSslProtocols = protocols,
                CertificateChainPolicy = TrustedRootPolicy.TrustingOnly(root),
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
            };
            if (cipherSuites is not null)
            {
                options.CipherSuitesPolicy = cipherSuites;
            }

            await stream.AuthenticateAsClientAsync(options).WaitAsync(SecureFlowApp.RequestTimeout);
            return stream;
        }
        catch
        {
            await stream.DisposeAsync();
            client.Dispose();
            throw;
        }
    }

    /// <summary>Sends one HTTP/1.1 request over <paramref name="stream"/> and returns the status code of the response.</summary>
    public static async Task<int> SendAsync(Stream stream, string host, string path, string extraHeaders = "")
    {
        var request = $"GET {path} HTTP/1.1\r\nHost: {host}\r\n{extraHeaders}Connection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request)).AsTask().WaitAsync(SecureFlowApp.RequestTimeout);
        using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
        var statusLine = await reader.ReadLineAsync().WaitAsync(SecureFlowApp.RequestTimeout)
            ?? throw new IOException("The connection closed before a status line arrived.");
        return int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Sends <paramref name="request"/> (raw bytes of an HTTP/1.1 request) over a new TLS connection to the edge and
    /// returns the status and the whole response; -1 when the edge closed the connection without a status line.
    /// </summary>
    public static async Task<(int Status, string Response)> SendRawAsync(SecureFlowApp app, byte[] request)
    {
        await using var stream = await HandshakeAsync(app.EdgePort, app.Root, SecureFlowApp.PublicHost);
        await stream.WriteAsync(request).AsTask().WaitAsync(SecureFlowApp.RequestTimeout);
        using var reader = new StreamReader(stream, Encoding.Latin1);
        var response = await reader.ReadToEndAsync().WaitAsync(SecureFlowApp.RequestTimeout);
        var parts = response.Split(' ', 3);
        return (parts.Length > 1 && int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var status) ? status : -1, response);
    }
}
