using System.Net;
using Microsoft.AspNetCore.HttpsPolicy;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SecureFlow.Gateway.Certificates;
using SecureFlow.Gateway.Configuration;
using SecureFlow.Gateway.Forwarder;
using SecureFlow.Gateway.Requests;
using SecureFlow.Gateway.Inspection;
using SecureFlow.Gateway.Telemetry;
using SecureFlow.Gateway.Tls;
using SecureFlow.Gateway.Transforms;
using SecureFlow.Gateway.Waf;
using SecureFlow.Contracts;
using SecureFlow.Contracts.Management;
using SecureFlow.Contracts.ServiceGraph;
using SecureFlow.ServiceDefaults.Hops;
using SecureFlow.ServiceDefaults.KeyVault;
using SecureFlow.ServiceDefaults.MutualTls;
using SecureFlow.ServiceDefaults.Tls;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace SecureFlow.Gateway.Extensions;

/// <summary>Composes SecureFlow.Gateway: one program for every TLS-terminating hop (the edge, the ingress).</summary>
public static partial class GatewayExtensions
{
    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        var services = builder.Services;
        services.AddServiceOptions<GatewayOptions, GatewayOptionsValidator>();
        services.AddServiceOptions<TlsPolicyOptions, TlsPolicyOptionsValidator>();
        services.AddSingleton(provider => new KestrelTlsPolicy(provider.GetRequiredService<IOptions<TlsPolicyOptions>>().Value));
        if (builder.Configuration.HasKeyVault())
        {
            // The gateway's own identity reads its certificates (and the edge its backend's trusted root) from the vault.
            builder.AddKeyVaultClients();
            services.AddSingleton<IServerCertificateSource, KeyVaultCertificateSource>();
        }
        else
        {
            services.AddSingleton<IServerCertificateSource, FileCertificateSource>();
        }

        if (builder.Configuration.HasMutualTls())
        {
            // The ingress presents its own identity to the services it routes to (mutual TLS), and checks theirs.
            builder.AddMutualTls();
            services.AddServiceOptions<ServiceCallsOptions, ServiceCallsOptionsValidator>();
        }

        services.AddSingleton<SniCertificateSelector>();
        services.AddHostedService<CertificateRefreshService>();
        services.AddSingleton<ListenerHandshake>();
        services.AddSingleton<GatewayMetrics>();
        services.TryAddSingleton<CertificateVersions>();
        services.AddWaf(builder.Configuration);
        services.AddOptions<HstsOptions>().Configure<IOptions<GatewayOptions>>((hsts, gateway) => hsts.MaxAge = gateway.Value.HstsMaxAge ?? TimeSpan.Zero);

        // YARP's routes and clusters are built from the model's routes, not configured by hand.
        services.AddSingleton<IProxyConfigProvider>(provider => GatewayProxyConfig.Create(provider.GetRequiredService<IOptions<GatewayOptions>>().Value));
        services.AddReverseProxy()
            .AddServiceDiscoveryDestinationResolver()
            .AddTransforms<HopRecordTransformProvider>();
        services.AddSingleton<IForwarderHttpClientFactory>(provider => new TrustedRootForwarderHttpClientFactory(provider));

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;

            // Validated options: a listener without a port or certificate stops the gateway at start, with the reason.
            var gateway = kestrel.ApplicationServices.GetRequiredService<IOptions<GatewayOptions>>().Value;
            Listen(kestrel, gateway.Https.Address, gateway.Https.Port, listen => UseStrictTls(listen, gateway));

            // Health probes (Aspire's, Kubernetes') use a plain listener that serves nothing but health endpoints.
            if (kestrel.ApplicationServices.GetRequiredService<IOptions<ManagementOptions>>().Value.Port is { } managementPort)
            {
                Listen(kestrel, gateway.Https.Address, managementPort, listen => listen.Protocols = HttpProtocols.Http1);
            }
        });

        return builder;
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        var gateway = app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;

        // Resolved now so that a bad policy or a missing certificate stops the gateway at start, with the reason.
        var tls = app.Services.GetRequiredService<ListenerHandshake>();
        LogStarted(app.Logger, gateway.Name, gateway.Https.Port, tls.Certificates.HostNames, tls.Policy.AllowedCipherSuites);
        if (!KestrelTlsPolicy.EnforcesCipherSuites)
        {
            LogCipherSuitesNotEnforced(app.Logger, gateway.Name);
        }

        if (gateway.HstsMaxAge is not null)
        {
            app.UseHsts();
        }

        // A request Kestrel finds malformed while it is read gets its status and an empty body, never the gateway's internals.
        app.UseMiddleware<BadRequestResponseMiddleware>();
        app.LoadWafRules();
        app.UseMiddleware<HostMatchesSniMiddleware>();
        app.UseMiddleware<AsteriskFormMiddleware>();
        app.UseMiddleware<AmbiguousHeaderNamesMiddleware>();
        app.MapReverseProxy(proxy => proxy.UseRequestInspection());
        return app;
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

    private static void UseStrictTls(ListenOptions listen, GatewayOptions gateway)
    {
        var listener = gateway.Https;
        var services = listen.ApplicationServices;
        var versions = services.GetRequiredService<CertificateVersions>();
        var policy = services.GetRequiredService<ListenerHandshake>();
        var metrics = services.GetRequiredService<GatewayMetrics>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger<TlsHandshakeGuard>();
        var handshakeTimeout = listener.HandshakeTimeout;
        var guard = new TlsHandshakeGuard(policy, metrics, handshakeTimeout, logger);

        // The model's protocols (Application Gateway's enableHttp2 in Azure); ALPN offers the same (ListenerHandshake).
        listen.Protocols = listener.Http2 ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http1;
        listen.Use(next => connection => guard.OnConnectionAsync(connection, next));
        listen.UseHttps(new TlsHandshakeCallbackOptions
        {
            OnConnection = context => ValueTask.FromResult(policy.CreateServerOptions(context.ClientHelloInfo.ServerName)),
            HandshakeTimeout = handshakeTimeout,
        });
        listen.Use(next => connection => TlsHandshakeGuard.OnHandshakeCompletedAsync(connection, next, metrics));
        listen.Use(next => connection => ConnectionHopRecord.OnHandshakeCompletedAsync(connection, next, gateway.Name, versions));
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Gateway {Gateway} listens for TLS on port {Port} for {HostNames}; cipher suites {CipherSuites}")]
    private static partial void LogStarted(ILogger logger, string gateway, int port, IEnumerable<string> hostNames, IEnumerable<System.Net.Security.TlsCipherSuite> cipherSuites);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Gateway {Gateway}: this OS sets TLS cipher suites system-wide, so the policy's cipher suites are not enforced by the process")]
    private static partial void LogCipherSuitesNotEnforced(ILogger logger, string gateway);
}
