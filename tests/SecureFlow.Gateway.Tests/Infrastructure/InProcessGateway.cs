using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Aspire.Hosting.ApplicationModel;
using SecureFlow.AppHost.Certificates;
using SecureFlow.Gateway.Telemetry;
using SecureFlow.ServiceDefaults.Tls;

namespace SecureFlow.Gateway.Tests.Infrastructure;

/// <summary>
/// SecureFlow.Gateway composed as its Program.cs does, on real Kestrel listeners in this process, so that a test
/// can read its metrics. Certificates come from a development CA made for the test.
/// </summary>
public sealed class InProcessGateway : IAsyncDisposable
{
    public const string HostName = "delta.secureflow.localhost";
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly DirectoryInfo _directory;
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, long Value, Dictionary<string, object?> Tags)> _measurements = [];

    private InProcessGateway(DirectoryInfo directory, DevelopmentCertificateAuthority authority)
    {
        _directory = directory;
        Authority = authority;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // Only this gateway's meter: other tests run gateways in this process at the same time.
            if (instrument.Meter.Name == GatewayMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, App?.Services.GetService(typeof(IMeterFactory))))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            lock (_measurements)
            {
                _measurements.Add((instrument.Name, value, tags.ToArray().ToDictionary(tag => tag.Key, tag => tag.Value)));
            }
        });
    }

    public DevelopmentCertificateAuthority Authority { get; }

    /// <summary>What the gateway logged, from its start.</summary>
    public RecordingLoggerProvider Logs { get; } = new();

    public X509Certificate2 Root => Authority.RootCertificate;

    public WebApplication? App { get; private set; }

    public int HttpsPort { get; private set; }

    public int ManagementPort { get; private set; }

    /// <summary>Starts a gateway; <paramref name="configure"/> adds configuration (routes, clusters) that may name the test's CA.</summary>
    public static async Task<InProcessGateway> StartAsync(Func<InProcessGateway, Dictionary<string, string?>>? configure = null)
    {
        var directory = Directory.CreateTempSubdirectory("secureflow-gateway-tests-");
        var gateway = new InProcessGateway(directory, DevelopmentCertificateAuthority.LoadOrCreate(Path.Combine(directory.FullName, "ca")));
        try
        {
            await gateway.StartAppAsync(configure?.Invoke(gateway) ?? []);
            return gateway;
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }
    }

    /// <summary>Writes a certificate from the test's CA (or <paramref name="authority"/>) as PEM files.</summary>
    public (string CertificatePath, string KeyPath) WriteCertificate(string name, string[] dnsNames, DevelopmentCertificateAuthority? authority = null)
    {
        using var certificate = (authority ?? Authority).IssueServerCertificate(dnsNames);
        var paths = (Path.Combine(_directory.FullName, name + ".crt"), Path.Combine(_directory.FullName, name + ".key"));
        DevelopmentCertificateAuthority.WritePemFiles(certificate, paths.Item1, paths.Item2);
        return paths;
    }

    /// <summary>Where <see cref="WriteCertificate"/> writes the certificate named <paramref name="name"/>.</summary>
    public string CertificatePath(string name) => Path.Combine(_directory.FullName, name + ".crt");

    public string CreateDirectory(string name) => _directory.CreateSubdirectory(name).FullName;

    /// <summary>The sum of what <paramref name="instrument"/> recorded with every tag in <paramref name="tags"/>.</summary>
    public long Total(string instrument, params (string Key, string Value)[] tags)
    {
        lock (_measurements)
        {
            return _measurements
                .Where(measurement => measurement.Instrument == instrument
                    && tags.All(tag => measurement.Tags.TryGetValue(tag.Key, out var value) && Equals(value, tag.Value)))
                .Sum(measurement => measurement.Value);
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds: connection outcomes are recorded after the client sees them.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.");
            await Task.Delay(50);
        }
    }

    public async Task<SslStream> HandshakeAsync(string? serverName, SslProtocols protocols = SslProtocols.None, CipherSuitesPolicy? cipherSuites = null)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, HttpsPort).WaitAsync(Timeout);
        var stream = new SslStream(client.GetStream());
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = serverName ?? "", EnabledSslProtocols = protocols, CertificateChainPolicy = TrustedRootPolicy.TrustingOnly(Root),
        };
        if (cipherSuites is not null && !OperatingSystem.IsWindows())
        {
            options.CipherSuitesPolicy = cipherSuites;
        }

        try
        {
            await stream.AuthenticateAsClientAsync(options).WaitAsync(Timeout);
            return stream;
        }
        catch
        {
            await stream.DisposeAsync();
            client.Dispose();
            throw;
        }
    }

    /// <summary>An HTTP/2-only client that sends SNI and :authority from each request's URI but always dials this gateway.</summary>
    public HttpClient CreateHttp2Client() => new(new SocketsHttpHandler
    {
        ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, HttpsPort, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
        SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = TrustedRootPolicy.TrustingOnly(Root) },
    })
    {
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = Timeout,
    };

    /// <summary>The URI of <paramref name="pathAndQuery"/> at this gateway's host name and port.</summary>
    public Uri Uri(string pathAndQuery) => new($"https://{HostName}:{HttpsPort.ToString(CultureInfo.InvariantCulture)}{pathAndQuery}");

    /// <summary>
    /// Sends one raw HTTP/1.1 request over TLS (<paramref name="requestLine"/> and any extra headers, each ending in CRLF; no Host when <paramref name="host"/> is null)
    /// and returns the response's status and text.
    /// </summary>
    public async Task<(int Status, string Body)> SendAsync(
        string requestLine, string? contentType = null, string? body = null, bool contentLength = true, string? host = HostName)
    {
        var request = new System.Text.StringBuilder(requestLine).Append("Connection: close\r\n");
        if (host is not null)
        {
            request.Append(CultureInfo.InvariantCulture, $"Host: {host}\r\n");
        }

        if (contentType is not null)
        {
            request.Append(CultureInfo.InvariantCulture, $"Content-Type: {contentType}\r\n");
        }

        if (body is not null && contentLength)
        {
            request.Append(CultureInfo.InvariantCulture, $"Content-Length: {System.Text.Encoding.UTF8.GetByteCount(body)}\r\n");
        }

        request.Append("\r\n").Append(body);
        await using var stream = await HandshakeAsync(HostName);
        await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(request.ToString())).AsTask().WaitAsync(Timeout);
        using var reader = new StreamReader(stream);
        var response = await reader.ReadToEndAsync().WaitAsync(Timeout);
        return (int.Parse(response.Split(' ')[1], CultureInfo.InvariantCulture), response);
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        Authority.Dispose();
        _directory.Delete(recursive: true);
    }

    private async Task StartAppAsync(Dictionary<string, string?> overrides)
    {
        HttpsPort = FreePort();
        ManagementPort = FreePort();
        var (certificatePath, keyPath) = WriteCertificate("edge-tls", [HostName]);
        var configuration = new Dictionary<string, string?>
        {
            ["Gateway:Name"] = "edge",
            ["Gateway:Https:Port"] = HttpsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Gateway:HstsMaxAge"] = "365.00:00:00",
            ["Gateway:Certificates:edge-tls:CertificatePath"] = certificatePath,
            ["Gateway:Certificates:edge-tls:KeyPath"] = keyPath,
            ["Management:Port"] = ManagementPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Tls:MinimumProtocol"] = "Tls12",
            ["Tls:Tls12CipherSuites:0"] = "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            ["Tls:Tls12CipherSuites:1"] = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            ["Tls:Tls13CipherSuites:0"] = "TLS_AES_128_GCM_SHA256",
            ["Tls:Tls13CipherSuites:1"] = "TLS_AES_256_GCM_SHA384",
        };
        for (var index = 0; index < ClientIdentityHeaders.All.Count; index++)
        {
            configuration[$"Gateway:ClientIdentityHeaders:{index.ToString(CultureInfo.InvariantCulture)}"] = ClientIdentityHeaders.All[index];
        }

        foreach (var (key, value) in overrides)
        {
            configuration[key] = value;
        }

        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Logging.AddProvider(Logs);
        builder.AddServiceDefaults();
        builder.AddGateway();
        App = builder.Build();
        App.MapDefaultEndpoints();
        App.MapGateway();
        _listener.Start();
        await App.StartAsync().WaitAsync(Timeout);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
