using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace SecureFlow.Verify;

/// <summary>
/// The edge being probed, and the only ways the probes reach it: TCP to its host (a <c>*.localhost</c> name is dialled on
/// loopback, as RFC 6761 says, since .NET on Linux does not resolve it), TLS that validates the certificate against the
/// trust root (or the system's roots), and an HTTP client built on both. Every call is bounded by <see cref="Timeout"/>.
/// </summary>
public sealed class ProbeTarget(Uri uri, X509Certificate2? trustRoot, TimeSpan timeout)
{
    /// <summary>The most of a response body a probe reads: the probes send small requests and read small answers.</summary>
    public const int MaxResponseBytes = 256 * 1024;

    public Uri Uri { get; } = uri;

    public string Host => Uri.IdnHost;

    public int Port => Uri.Port;

    public X509Certificate2? TrustRoot { get; } = trustRoot;

    public TimeSpan Timeout { get; } = timeout;

    /// <summary>The address to dial for <see cref="Host"/>: loopback for <c>localhost</c> names, the host itself otherwise.</summary>
    public string DialHost => IsLocalhostName(Host) ? IPAddress.Loopback.ToString() : Host;

    public static bool IsLocalhostName(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);

    public async Task<NetworkStream> ConnectAsync(int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(DialHost, port, cancellationToken).AsTask().WaitAsync(Timeout, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The chain policy every TLS client of the tool uses: only the trust root when one is given, else the system's roots.</summary>
    public X509ChainPolicy? ChainPolicy()
    {
        if (TrustRoot is null)
        {
            return null;
        }

        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(TrustRoot);
        return policy;
    }

    /// <summary>
    /// A TLS handshake with the edge. <paramref name="serverName"/> null sends no SNI. The certificate is validated (against
    /// the trust root) and the host name checked; <paramref name="onCertificate"/> sees what was presented and the errors,
    /// and the handshake goes on only when there are none.
    /// </summary>
    public async Task<SslStream> HandshakeAsync(
        string? serverName,
        SslProtocols protocols,
        CancellationToken cancellationToken,
        CipherSuitesPolicy? cipherSuites = null,
        IEnumerable<SslApplicationProtocol>? applicationProtocols = null,
        Action<X509Certificate2?, SslPolicyErrors>? onCertificate = null)
    {
        var network = await ConnectAsync(Port, cancellationToken).ConfigureAwait(false);
        var stream = new SslStream(network, leaveInnerStreamOpen: false);
        try
        {
            var options = new SslClientAuthenticationOptions
            {
                // An empty target host sends no SNI at all.
                TargetHost = serverName ?? "",
                EnabledSslProtocols = protocols,
                CertificateChainPolicy = ChainPolicy(),
                ApplicationProtocols = applicationProtocols?.ToList(),
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    onCertificate?.Invoke(certificate is null ? null : new X509Certificate2(certificate), errors);
                    return errors == SslPolicyErrors.None;
                },
            };
            if (cipherSuites is not null && !OperatingSystem.IsWindows())
            {
                options.CipherSuitesPolicy = cipherSuites;
            }

            await stream.AuthenticateAsClientAsync(options, cancellationToken).WaitAsync(Timeout, cancellationToken).ConfigureAwait(false);
            return stream;
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>An HTTP client for the edge: validates against the trust root, dials loopback for localhost names, bounded.</summary>
    public HttpClient CreateHttpClient() => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) => await ConnectAsync(context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false),
        SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = ChainPolicy() },
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.Zero,
    })
    {
        Timeout = Timeout,
        MaxResponseContentBufferSize = MaxResponseBytes,
    };

    public Uri UriFor(string pathAndQuery) => new(Uri, pathAndQuery);
}
