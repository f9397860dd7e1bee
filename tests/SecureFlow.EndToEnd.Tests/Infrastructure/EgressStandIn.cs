using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace SecureFlow.EndToEnd.Tests.Infrastructure;

/// <summary>
/// An external host, on loopback: an HTTPS server for <see cref="Host"/> on port 443 of a loopback address of its own,
/// with a certificate from a root of its own (<see cref="Root"/>, for the caller to trust). The egress firewall resolves
/// the name to it (<c>WithHostsEntry</c>), so nothing leaves the machine. It answers 200 and records what reached it.
/// </summary>
public sealed class EgressStandIn : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly X509Certificate2 _certificate;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;

    private EgressStandIn(string host, IPAddress address, X509Certificate2 root, X509Certificate2 certificate)
    {
        Host = host;
        Address = address;
        Root = root;
        _certificate = certificate;

        // 443, as the firewall rule says: binding it takes root (or CAP_NET_BIND_SERVICE), which CI has.
        _listener = new TcpListener(address, 443);
        _listener.Start();
        _serving = ServeAsync(_stop.Token);
    }

    public string Host { get; }

    public IPAddress Address { get; }

    public X509Certificate2 Root { get; }

    /// <summary>Each request that reached the stand-in: the SNI name its client sent and its Host header.</summary>
    public ConcurrentQueue<(string Sni, string HostHeader)> Requests { get; } = new();

    public static EgressStandIn Start(string host)
    {
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest($"CN=SecureFlow egress stand-in root {Guid.NewGuid():N}", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var root = rootRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(host);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var issued = request.Create(root, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), Guid.NewGuid().ToByteArray()[..8]);
        var certificate = X509CertificateLoader.LoadPkcs12(issued.CopyWithPrivateKey(key).Export(X509ContentType.Pkcs12), null);

        // A loopback address of its own, so that stand-ins of apps running side by side do not share port 443.
        var address = new IPAddress([127, 13, (byte)Random.Shared.Next(1, 255), (byte)Random.Shared.Next(1, 255)]);
        return new EgressStandIn(host, address, X509CertificateLoader.LoadCertificate(root.RawData), certificate);
    }

    private async Task ServeAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _ = AnswerAsync(client, cancellationToken);
        }
    }

    private async Task AnswerAsync(TcpClient client, CancellationToken cancellationToken)
    {
        using (client)
        await using (var tls = new SslStream(client.GetStream()))
        {
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, cancellationToken)
                .WaitAsync(SecureFlowApp.RequestTimeout, cancellationToken);
            var head = new StringBuilder();
            var buffer = new byte[4096];
            while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await tls.ReadAsync(buffer, cancellationToken).AsTask().WaitAsync(SecureFlowApp.RequestTimeout, cancellationToken);
                if (read == 0)
                {
                    return;
                }

                head.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            var hostHeader = head.ToString().Split("\r\n").FirstOrDefault(line => line.StartsWith("Host:", StringComparison.OrdinalIgnoreCase))?[5..].Trim() ?? "";
            Requests.Enqueue((tls.TargetHostName, hostHeader));
            await tls.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 8\r\nConnection: close\r\n\r\nstand-in"u8.ToArray(), cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _serving.WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
        _certificate.Dispose();
        Root.Dispose();
    }
}
