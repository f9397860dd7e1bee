using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using SecureFlow.AppHost.Certificates;
using SecureFlow.Gateway.Tests.Infrastructure;
using SecureFlow.ServiceDefaults.Hops;

namespace SecureFlow.Gateway.Tests.Forwarder;

/// <summary>
/// The hop to the next gateway is re-encrypted and trusts exactly one root: the right certificate is reached, a
/// certificate from another root or for another name fails the request with 502.
/// </summary>
public sealed class ReEncryptionTests
{
    private const string BackendHost = "workload.aks-ingress.secureflow.localhost";

    [Fact]
    public async Task BackendWithCertificateFromTheTrustedRootIsReachedWithHopRecordAndSni()
    {
        var (status, body) = await ProxyThroughAsync((gateway, _) => gateway.WriteCertificate("backend", ["*.aks-ingress.secureflow.localhost"]));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"backend-sni={BackendHost}", body, StringComparison.Ordinal);
        Assert.Contains("hop=edge;", body, StringComparison.Ordinal);
        Assert.DoesNotContain("hop=forged", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BackendWithCertificateFromAnotherRootGets502()
    {
        var (status, _) = await ProxyThroughAsync((gateway, other) => gateway.WriteCertificate("backend", ["*.aks-ingress.secureflow.localhost"], other));

        Assert.Equal(HttpStatusCode.BadGateway, status);
    }

    [Fact]
    public async Task BackendWithCertificateForAnotherNameGets502()
    {
        var (status, _) = await ProxyThroughAsync((gateway, _) => gateway.WriteCertificate("backend", ["other.secureflow.localhost"]));

        Assert.Equal(HttpStatusCode.BadGateway, status);
    }

    private static async Task<(HttpStatusCode Status, string Body)> ProxyThroughAsync(
        Func<InProcessGateway, DevelopmentCertificateAuthority, (string CertificatePath, string KeyPath)> backendCertificate)
    {
        var backendPort = InProcessGateway.FreePort();
        await using var gateway = await InProcessGateway.StartAsync(gateway => new()
        {
            ["Gateway:Routes:backend:TrustedRootCertificatePath"] = gateway.Authority.RootCertificatePath,
            ["Gateway:Routes:backend:Hosts:0"] = InProcessGateway.HostName,
            ["Gateway:Routes:backend:Destination"] = $"https://127.0.0.1:{backendPort.ToString(CultureInfo.InvariantCulture)}",
            ["Gateway:Routes:backend:DestinationHost"] = BackendHost,
        });
        using var otherAuthority = DevelopmentCertificateAuthority.LoadOrCreate(gateway.CreateDirectory("other-ca"));
        var (certificatePath, keyPath) = backendCertificate(gateway, otherAuthority);
        await using var backend = await StartBackendAsync(backendPort, certificatePath, keyPath);

        await using var stream = await gateway.HandshakeAsync(InProcessGateway.HostName);
        var request = $"GET /echo HTTP/1.1\r\nHost: {InProcessGateway.HostName}\r\n{HopRecord.HeaderName}: hop=forged;tls=x;cipher=y;sni=z\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream);
        var response = await reader.ReadToEndAsync().WaitAsync(InProcessGateway.Timeout);
        var status = (HttpStatusCode)int.Parse(response.Split(' ')[1], CultureInfo.InvariantCulture);
        return (status, response);
    }

    /// <summary>A TLS server that echoes the hop records it received and the SNI name of its handshake.</summary>
    private static async Task<WebApplication> StartBackendAsync(int port, string certificatePath, string keyPath)
    {
        var builder = WebApplication.CreateSlimBuilder();
        using var pem = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        var certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        string? serverName = null;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificateSelector = (_, name) =>
            {
                serverName = name;
                return certificate;
            },
        })));
        var app = builder.Build();
        app.MapGet("/echo", (HttpContext context) => string.Join("\n", context.Request.Headers[HopRecord.HeaderName].ToArray())
            + $"\nbackend-sni={serverName}");
        await app.StartAsync().WaitAsync(InProcessGateway.Timeout);
        return app;
    }
}
