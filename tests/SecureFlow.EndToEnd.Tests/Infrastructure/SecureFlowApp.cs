using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace SecureFlow.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The real AppHost, started with Aspire.Hosting.Testing: every service is a real process and every hop real TLS.
/// The edge's fixed port (8443) becomes a free one so that several apps can run side by side.
/// </summary>
public sealed class SecureFlowApp : IAsyncDisposable
{
    public const string PublicHost = "delta.secureflow.localhost";
    public const string WorkloadHost = "workload.aks-ingress.secureflow.localhost";

    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private SecureFlowApp(DistributedApplication app, int edgePort, int ingressPort, X509Certificate2 root)
    {
        App = app;
        Logs = new ResourceLogs(app, "edge", "ingress", "workload");
        EdgePort = edgePort;
        IngressPort = ingressPort;
        Root = root;
    }

    public DistributedApplication App { get; }

    public ResourceLogs Logs { get; }

    public int EdgePort { get; }

    public int IngressPort { get; }

    /// <summary>The development CA's root, the only certificate a client of the chain needs to trust.</summary>
    public X509Certificate2 Root { get; }

    public static async Task<SecureFlowApp> StartAsync(Action<IDistributedApplicationTestingBuilder>? customize = null)
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder
            .CreateAsync<Projects.SecureFlow_AppHost>(["DcpPublisher:WaitForResourceCleanup=false"], timeout.Token)
            .WaitAsync(StartTimeout);

        var edgePort = FreePort();
        var edgeHttps = builder.Resources.OfType<ApplicationGatewayResource>().Single()
            .Annotations.OfType<EndpointAnnotation>().Single(endpoint => endpoint.Name == GatewayResource.HttpsEndpointName);
        edgeHttps.Port = edgePort;
        edgeHttps.TargetPort = edgePort;
        customize?.Invoke(builder);

        var app = await builder.BuildAsync(timeout.Token).WaitAsync(StartTimeout);
        try
        {
            await app.StartAsync(timeout.Token).WaitAsync(StartTimeout);
            var notifications = app.Services.GetRequiredService<ResourceNotificationService>();
            await notifications.WaitForResourceHealthyAsync("edge", timeout.Token).WaitAsync(StartTimeout);

            var model = app.Services.GetRequiredService<DistributedApplicationModel>();
            var rootPath = model.Resources.OfType<CertificateResource>().First().Files!.IssuerCertificatePath;
            var ingressPort = app.GetEndpoint("ingress", GatewayResource.HttpsEndpointName).Port;
            return new SecureFlowApp(app, edgePort, ingressPort, X509CertificateLoader.LoadCertificateFromFile(rootPath));
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>An HTTP client that reaches any host name on this machine and trusts only the development CA.</summary>
    public HttpClient CreateClient() => TlsClients.CreateHttpClient(Root);

    public Uri EdgeUri(string pathAndQuery) => new($"https://{PublicHost}:{EdgePort}{pathAndQuery}");

    public async ValueTask DisposeAsync()
    {
        await Logs.DisposeAsync();
        await App.DisposeAsync();
        Root.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
