using System.Net;
using System.Net.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;
using SecureFlow.Contracts;
using SecureFlow.Contracts.Management;
using SecureFlow.Contracts.MutualTls;
using SecureFlow.Contracts.Tls;
using SecureFlow.ServiceDefaults.Hops;
using SecureFlow.ServiceDefaults.Tls;

namespace SecureFlow.ServiceDefaults.MutualTls;

public static class MutualTlsExtensions
{
    /// <summary>The longest a mutual TLS handshake may take before the listener drops the connection.</summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Whether the app model gave this service a mutual TLS identity (section <c>MutualTls</c>).</summary>
    public static bool HasMutualTls(this Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return !string.IsNullOrEmpty(configuration.GetSection(MutualTlsOptions.SectionName)[nameof(MutualTlsOptions.SpiffeId)]);
    }

    /// <summary>
    /// The service's identity for mutual TLS: its certificate (from Key Vault or the CSI mount, refreshed without a
    /// restart) and, when the model gives it a port, a listener that speaks only mutual TLS with the model's TLS policy
    /// and accepts only the callers the model's graph allows. Health endpoints stay on the plain management port.
    /// <code>
    /// builder.AddMutualTls();
    /// </code>
    /// </summary>
    public static WebApplicationBuilder AddMutualTls(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        var services = builder.Services;
        services.AddServiceOptions<MutualTlsOptions, MutualTlsOptionsValidator>();
        services.AddServiceOptions<TlsPolicyOptions, TlsPolicyOptionsValidator>();
        services.TryAddSingleton(provider => new KestrelTlsPolicy(provider.GetRequiredService<IOptions<TlsPolicyOptions>>().Value));
        services.TryAddSingleton<MutualTlsMetrics>();
        services.TryAddSingleton<CertificateVersions>();
        services.AddSingleton<IServiceCertificateSource, ServiceCertificateSource>();
        services.AddSingleton<ServiceCertificate>();
        services.AddSingleton<CallerAuthorization>();
        services.AddHostedService<ServiceCertificateRefreshService>();
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(CallerAuthorization.ActivitySourceName));

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var tls = kestrel.ApplicationServices.GetRequiredService<IOptions<MutualTlsOptions>>().Value;
            if (tls.Port is not { } port)
            {
                return;
            }

            // The only listeners: mutual TLS for the service's API, plain HTTP for health probes and nothing else.
            Listen(kestrel, tls.Address, port, UseMutualTls);
            if (kestrel.ApplicationServices.GetRequiredService<IOptions<ManagementOptions>>().Value.Port is { } managementPort)
            {
                Listen(kestrel, tls.Address, managementPort, listen => listen.Protocols = HttpProtocols.Http1);
            }
        });
        return builder;
    }

    /// <summary>
    /// Refuses (403) any request that did not arrive over the mutual TLS listener with an accepted caller, such as an API
    /// call to the management port. Call after <c>MapDefaultEndpoints</c>, which answers health probes first.
    /// </summary>
    public static WebApplication UseMutualTlsCallersOnly(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        var authorization = app.Services.GetRequiredService<CallerAuthorization>();
        app.Use((context, next) =>
        {
            if (context.Connection.ClientCertificate is not null)
            {
                return next(context);
            }

            authorization.Refuse(MutualTlsRefusal.NoCertificate, identity: null, context.Connection.RemoteIpAddress?.ToString());
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        });
        return app;
    }

    private static void UseMutualTls(ListenOptions listen)
    {
        var services = listen.ApplicationServices;
        var certificate = services.GetRequiredService<ServiceCertificate>();
        var policy = services.GetRequiredService<KestrelTlsPolicy>();
        var authorization = services.GetRequiredService<CallerAuthorization>();

        listen.Protocols = HttpProtocols.Http1AndHttp2;
        listen.UseHttps(new TlsHandshakeCallbackOptions
        {
            OnConnection = context =>
            {
                var remote = context.Connection.RemoteEndPoint?.ToString();
                var options = new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = certificate.Context,
                    ClientCertificateRequired = true,
                    RemoteCertificateValidationCallback = (_, presented, _, _) => authorization.Accept(presented, remote),
                };
                policy.Apply(options);
                return ValueTask.FromResult(options);
            },
            HandshakeTimeout = HandshakeTimeout,
        });
    }

    private static void Listen(KestrelServerOptions kestrel, string address, int port, Action<ListenOptions> configure)
    {
        if (string.Equals(address, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(port, configure);
        }
        else
        {
            kestrel.Listen(IPAddress.Parse(address), port, configure);
        }
    }
}
