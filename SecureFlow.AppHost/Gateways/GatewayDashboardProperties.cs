using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SecureFlow.AppHost.Gateways;

/// <summary>
/// Run mode: each gateway's resource in the dashboard shows what a client meets at that hop — the listener URL with the
/// host name the gateway serves, the TLS policy, HTTP/2, HSTS and the WAF — and, for each certificate it serves, the
/// subject, expiry and Key Vault version, kept current as the vault's certificates change (rotation included).
/// </summary>
internal static partial class GatewayDashboardProperties
{
    public const string Listener = "listener";
    public const string TlsPolicyProperty = "tls-policy";

    /// <summary>The certificate properties the vault publishes that the gateway shows, as <c>certificate.&lt;name&gt;.&lt;property&gt;</c>.</summary>
    private static readonly string[] CertificateProperties = ["subject", "not-after", "version", "thumbprint"];

    public static void Subscribe(IDistributedApplicationBuilder builder, GatewayResource gateway, Func<string, string> publicUrl)
    {
        builder.Eventing.Subscribe<BeforeStartEvent>((startEvent, cancellationToken) =>
        {
            var notifications = startEvent.Services.GetRequiredService<ResourceNotificationService>();
            var logger = startEvent.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(GatewayDashboardProperties));
            var stopping = startEvent.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            _ = MirrorAsync(notifications, gateway, publicUrl, logger, stopping);
            return Task.CompletedTask;
        });
    }

    /// <summary>The properties that follow from the model alone.</summary>
    public static ImmutableArray<ResourcePropertySnapshot> FromModel(GatewayResource gateway, string listenerUrl)
    {
        var policy = gateway.TlsPolicy;
        var builder = ImmutableArray.CreateBuilder<ResourcePropertySnapshot>();
        builder.Add(new(Listener, listenerUrl));
        builder.Add(new(TlsPolicyProperty, $"{policy.MinimumProtocol} or later, SNI required; suites: {string.Join(", ", policy.CipherSuites)}"));
        builder.Add(new("http2", gateway.Http2 ? "on" : "off"));
        builder.Add(new("hsts", gateway.HstsMaxAge is { } maxAge ? $"max-age={(long)maxAge.TotalSeconds}" : "not sent"));
        if (gateway is ApplicationGatewayResource { WafPolicy: { } waf })
        {
            builder.Add(new("waf", $"{waf.Mode}, OWASP CRS"));
        }

        return builder.ToImmutable();
    }

    private static async Task MirrorAsync(
        ResourceNotificationService notifications, GatewayResource gateway, Func<string, string> publicUrl, ILogger logger, CancellationToken stopping)
    {
        var certificates = gateway.Certificates.ToDictionary(certificate => certificate.Name, StringComparer.Ordinal);
        try
        {
            await foreach (var update in notifications.WatchAsync(stopping).ConfigureAwait(false))
            {
                if (update.Resource == gateway && update.Snapshot.Properties.All(property => property.Name != Listener) && gateway.HttpsEndpoint.IsAllocated)
                {
                    var model = FromModel(gateway, publicUrl(gateway.HttpsEndpoint.Url));
                    await notifications.PublishUpdateAsync(gateway, state => state with { Properties = Merge(state.Properties, model) }).ConfigureAwait(false);
                }
                else if (certificates.ContainsKey(update.Resource.Name))
                {
                    var shown = CertificateProperties
                        .Select(name => (Name: name, Value: update.Snapshot.Properties.FirstOrDefault(property => property.Name == name)?.Value))
                        .Where(property => property.Value is not null)
                        .Select(property => new ResourcePropertySnapshot($"certificate.{update.Resource.Name}.{property.Name}", property.Value))
                        .ToImmutableArray();
                    await notifications.PublishUpdateAsync(gateway, state => state with { Properties = Merge(state.Properties, shown) }).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The AppHost is stopping: nothing more to show.
        }
#pragma warning disable CA1031 // A background task's failure is logged where the user looks, not lost with the task.
        catch (Exception failure)
#pragma warning restore CA1031
        {
            LogMirrorFailed(logger, failure, gateway.Name);
        }
    }

    /// <summary>Replaces the properties of the same names, keeps the others (the orchestrator's, the model's).</summary>
    private static ImmutableArray<ResourcePropertySnapshot> Merge(ImmutableArray<ResourcePropertySnapshot> current, ImmutableArray<ResourcePropertySnapshot> updates) =>
        [.. current.Where(property => updates.All(update => update.Name != property.Name)), .. updates];

    [LoggerMessage(Level = LogLevel.Warning, Message = "The dashboard stopped showing {Gateway}'s TLS listener and certificates.")]
    private static partial void LogMirrorFailed(ILogger logger, Exception failure, string gateway);
}
