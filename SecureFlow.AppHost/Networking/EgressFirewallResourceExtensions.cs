using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SecureFlow.AppHost.Networking;

namespace Aspire.Hosting;

public static partial class EgressFirewallResourceExtensions
{
    /// <summary>The configuration key of the Squid binary the firewall runs (default <c>/usr/sbin/squid</c>, Debian's).</summary>
    public const string SquidPathKey = "SecureFlow:Egress:SquidPath";

    /// <summary>The proxy environment every service gets, read by .NET's <c>HttpClient.DefaultProxy</c> (and so by the Azure SDK) and by most tools.</summary>
    public static readonly IReadOnlyList<string> ProxyVariables = ["HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"];

    /// <summary>The firewall's property in the dashboard that counts the requests it denied.</summary>
    public const string DeniedRequestsProperty = "egress.denied_requests";

    /// <summary>The destinations that never pass the firewall: the model's own services, which run on loopback locally.</summary>
    public const string InModelDestinations = "localhost";

    /// <summary>
    /// Adds the local egress firewall, the stand-in for Azure Firewall: Squid, configured at start from the model.
    /// Every service's outbound HTTP and HTTPS goes through it (<c>HTTPS_PROXY</c>/<c>HTTP_PROXY</c>, each service on a
    /// loopback port of its own, so that the port names the source); only the model's own services bypass it
    /// (<c>NO_PROXY=localhost</c>: the other services and the vault, as its private endpoint bypasses the firewall in
    /// Azure). A service reaches the destinations of its <c>WithEgressTo</c> and nothing else: anything else gets
    /// Squid's 403 naming the service and the host, a line in this resource's console and a count in
    /// <c>secureflow.egress.denied_requests</c>. Without Squid the resource fails to start and says what to install,
    /// and every service's egress fails (its proxy is this firewall, never a direct connection).
    /// <code>
    /// builder.AddEgressFirewall("firewall");
    /// </code>
    /// </summary>
    public static IResourceBuilder<EgressFirewallResource> AddEgressFirewall(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        ArgumentNullException.ThrowIfNull(builder);

        var squid = builder.Configuration[SquidPathKey] ?? "/usr/sbin/squid";
        var directory = Path.Combine(Path.GetTempPath(), $"secureflow-egress-{name}-{Guid.NewGuid():N}");
        var firewall = new EgressFirewallResource(name, squid, directory);
        var resource = builder.AddResource(firewall)
            .WithArgs("-N", "-d", "1", "-f", firewall.ConfigurationPath)
            .ExcludeFromManifest();
        if (!builder.ExecutionContext.IsRunMode)
        {
            return resource;
        }

        var healthCheck = $"{name}-listening";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthCheck, cancellationToken => ListeningAsync(firewall, cancellationToken));
        builder.Eventing.Subscribe<BeforeStartEvent>((@event, cancellationToken) => PrepareAsync(firewall, squid, @event.Model, @event.Services, cancellationToken));
        return resource.WithHealthCheck(healthCheck);
    }

    /// <summary>
    /// Resolves <paramref name="host"/> to <paramref name="address"/> in the firewall, as a hosts file would, to point an
    /// allowed name at a local stand-in. With any entry the firewall resolves names from its entries only and asks no
    /// DNS server: nothing leaves the machine.
    /// <code>
    /// builder.AddEgressFirewall("firewall").WithHostsEntry("api.example.org", IPAddress.Parse("127.0.0.2"));
    /// </code>
    /// </summary>
    public static IResourceBuilder<EgressFirewallResource> WithHostsEntry(this IResourceBuilder<EgressFirewallResource> builder, string host, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(address);
        if (Uri.CheckHostName(host) != UriHostNameType.Dns)
        {
            throw new ArgumentException($"'{builder.Resource.Name}': hosts entry '{host}' is not a DNS host name.", nameof(host));
        }

        builder.Resource.AddHostsEntry(host.ToLowerInvariant(), address);
        return builder;
    }

    private static async Task PrepareAsync(
        EgressFirewallResource firewall, string squid, DistributedApplicationModel model, IServiceProvider services, CancellationToken cancellationToken)
    {
        var console = services.GetRequiredService<ResourceLoggerService>().GetLogger(firewall);
        foreach (var service in model.Resources.OfType<ProjectResource>())
        {
            var source = new EgressSource(service.Name, FreePort(), [.. service.Annotations.OfType<EgressAnnotation>().SelectMany(annotation => annotation.Destinations)]);
            firewall.Add(source);
            var proxy = $"http://127.0.0.1:{source.Port}";

            // Fails closed: the proxy is set whether or not the firewall runs, so without it egress fails, never goes direct.
            service.Annotations.Add(new EnvironmentCallbackAnnotation(environment =>
            {
                foreach (var variable in ProxyVariables)
                {
                    environment[variable] = proxy;
                }

                environment["NO_PROXY"] = InModelDestinations;
                environment["no_proxy"] = InModelDestinations;
            }));
            service.Annotations.Add(new ResourceRelationshipAnnotation(firewall, "Egress"));
        }

        if (!File.Exists(squid))
        {
            LogSquidMissing(console, squid, EgressFirewallResource.Package, SquidPathKey);
        }

        // The dashboard shows the count beside the console lines: the AppHost's meter is not exported to it.
        var notifications = services.GetRequiredService<ResourceNotificationService>();
        var denied = 0L;
        var receiver = new EgressLogReceiver(firewall.Sources, console, decision => decision.Denied
            ? notifications.PublishUpdateAsync(firewall, snapshot => snapshot with
            {
                Properties = [.. snapshot.Properties.Where(property => property.Name != DeniedRequestsProperty), new(DeniedRequestsProperty, Interlocked.Increment(ref denied))],
            })
            : Task.CompletedTask);
        receiver.Start();
        services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopped.Register(() =>
        {
            receiver.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));

            // Squid read its configuration when it started; nothing of this run's is kept.
            if (Directory.Exists(firewall.WorkingDirectory))
            {
                Directory.Delete(firewall.WorkingDirectory, recursive: true);
            }
        });

        await SquidConfiguration.WriteAsync(firewall.WorkingDirectory, firewall.Sources, receiver.Port, firewall.HostsEntries, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<HealthCheckResult> ListeningAsync(EgressFirewallResource firewall, CancellationToken cancellationToken)
    {
        if (firewall.Sources.Count == 0)
        {
            return HealthCheckResult.Unhealthy("The egress firewall has no sources yet.");
        }

        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, firewall.Sources[0].Port, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy();
        }
        catch (SocketException exception)
        {
            return HealthCheckResult.Unhealthy($"Squid does not accept connections on {firewall.Sources[0].Port}: {exception.SocketErrorCode}.");
        }
    }

    /// <summary>
    /// A loopback port for Squid to listen on. Squid reads its ports from its configuration file, which is written before
    /// it starts, so the port cannot come from Aspire's proxy; a port taken in between makes Squid fail to start, loudly.
    /// </summary>
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The egress firewall cannot start: Squid is not installed ({Path} not found). Install the Debian package '{Package}' "
        + "(bash eng/prerequisites.sh) or set {Key}. Until it runs, every service's HTTP(S) egress fails: their proxy is this firewall.")]
    private static partial void LogSquidMissing(ILogger logger, string path, string package, string key);
}
