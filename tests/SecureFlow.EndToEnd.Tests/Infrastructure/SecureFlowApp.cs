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

    private SecureFlowApp(DistributedApplication app, int edgePort, int ingressPort, X509Certificate2 root, DirectoryInfo vaultData)
    {
        App = app;
        Logs = new ResourceLogs(app, "vault", "edge", "ingress", "workload", "orders", "firewall");
        VaultData = vaultData;
        EdgePort = edgePort;
        IngressPort = ingressPort;
        Root = root;
    }

    public DistributedApplication App { get; }

    /// <summary>This app's own vault contents, so that apps running side by side do not share a vault.</summary>
    public DirectoryInfo VaultData { get; }

    public ResourceLogs Logs { get; }

    public int EdgePort { get; }

    public int IngressPort { get; }

    /// <summary>The development CA's root, the only certificate a client of the chain needs to trust.</summary>
    public X509Certificate2 Root { get; }

    /// <param name="edgeHealthy">False for an app whose edge is meant to be unhealthy: then it waits for the ingress to be healthy and the edge to run.</param>
    /// <param name="configuration">More of the AppHost's configuration, as <c>key=value</c> arguments (read while the model is built).</param>
    /// <param name="dashboard">True to run the Aspire dashboard too, as F5 does (the testing builder leaves it out by default).</param>
    public static async Task<SecureFlowApp> StartAsync(
        Action<IDistributedApplicationTestingBuilder>? customize = null, bool edgeHealthy = true, IEnumerable<string>? configuration = null, bool dashboard = false)
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var vaultData = Directory.CreateTempSubdirectory("secureflow-e2e-vault-");
        var builder = await DistributedApplicationTestingBuilder
            .CreateAsync<Projects.SecureFlow_AppHost>(
                ["DcpPublisher:WaitForResourceCleanup=false", $"{KeyVaultResourceExtensions.DataDirectoryKey}={vaultData.FullName}", .. configuration ?? []],
                (options, _) => options.DisableDashboard = !dashboard,
                timeout.Token)
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
            if (edgeHealthy)
            {
                await notifications.WaitForResourceHealthyAsync("edge", timeout.Token).WaitAsync(StartTimeout);
            }
            else
            {
                await notifications.WaitForResourceHealthyAsync("ingress", timeout.Token).WaitAsync(StartTimeout);
                await notifications.WaitForResourceAsync("edge", KnownResourceStates.Running, timeout.Token).WaitAsync(StartTimeout);
            }

            var model = app.Services.GetRequiredService<DistributedApplicationModel>();
            var rootPath = model.Resources.OfType<CertificateResource>().First().Files!.IssuerCertificatePath;
            var ingressPort = app.GetEndpoint("ingress", GatewayResource.HttpsEndpointName).Port;
            return new SecureFlowApp(app, edgePort, ingressPort, X509CertificateLoader.LoadCertificateFromFile(rootPath), vaultData);
        }
        catch
        {
            await app.DisposeAsync();
            vaultData.Delete(recursive: true);
            throw;
        }
    }

    /// <summary>The version and thumbprint of a certificate's latest version in the vault, as the dashboard shows them.</summary>
    public async Task<(string Version, string Thumbprint)> CertificateInVaultAsync(string certificate, string? otherThan = null)
    {
        var notifications = App.Services.GetRequiredService<ResourceNotificationService>();
        var resource = await notifications.WaitForResourceAsync(
                certificate,
                update => update.Snapshot.State?.Text == "In vault" && Property(update, "thumbprint") is { } thumbprint && thumbprint != otherThan,
                TestContext.Current.CancellationToken)
            .WaitAsync(RequestTimeout, TestContext.Current.CancellationToken);
        return (Property(resource, "version")!, Property(resource, "thumbprint")!);
    }

    /// <summary>The value of the workload's secret, generated by the model, to look for where it must not be.</summary>
    public async Task<string> SecretValueAsync()
    {
        var parameter = App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ParameterResource>()
            .Single(resource => resource.Name == "workload-api-key-value");
        return (await parameter.GetValueAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(RequestTimeout, TestContext.Current.CancellationToken))!;
    }

    /// <summary>An HTTP client that reaches any host name on this machine and trusts only the development CA.</summary>
    public HttpClient CreateClient() => TlsClients.CreateHttpClient(Root);

    public Uri EdgeUri(string pathAndQuery) => new($"https://{PublicHost}:{EdgePort}{pathAndQuery}");

    public async ValueTask DisposeAsync()
    {
        await Logs.DisposeAsync();
        await App.DisposeAsync();
        Root.Dispose();
        VaultData.Delete(recursive: true);
    }

    private static string? Property(ResourceEvent resource, string name) =>
        resource.Snapshot.Properties.FirstOrDefault(property => property.Name == name)?.Value as string;

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
