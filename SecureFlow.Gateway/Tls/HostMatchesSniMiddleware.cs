using System.Globalization;
using Microsoft.AspNetCore.Connections.Features;
using SecureFlow.Gateway.Telemetry;

namespace SecureFlow.Gateway.Tls;

/// <summary>
/// A request's Host must name the server the client asked for in its handshake, on the port it dialled. Otherwise one certificate's
/// connection could carry requests for another host (HTTP/2 connection reuse, domain fronting): such a request gets
/// 421 Misdirected Request (RFC 9110 15.5.20), which tells a browser to retry on a fresh connection; one that names no
/// host at all gets 400.
/// A request that did not arrive over TLS came through the management listener: only health endpoints live there.
/// </summary>
internal sealed class HostMatchesSniMiddleware(RequestDelegate next, GatewayMetrics metrics)
{
    private const string DefaultHttpsPort = "443";

    public Task InvokeAsync(HttpContext context)
    {
        var tls = context.Features.Get<ITlsHandshakeFeature>();
        if (tls is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        // HTTP/1.1 requires Host and Kestrel refuses a request without it; an HTTP/1.0 request may omit it, but this
        // gateway routes by the name the client asked for, so a request that names no host is incomplete here.
        if (!context.Request.Host.HasValue)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return Task.CompletedTask;
        }

        if (!string.Equals(context.Request.Host.Host, tls.HostName, StringComparison.OrdinalIgnoreCase)
            || !NamesTheDialledPort(context.Request.Host.Value, context.Connection.LocalPort))
        {
            metrics.RequestMisdirected();
            context.Response.StatusCode = StatusCodes.Status421MisdirectedRequest;
            return Task.CompletedTask;
        }

        return next(context);
    }

    /// <summary>
    /// A Host names an origin, port included (RFC 9110 4.3.1), and the gateway forwards it (X-Forwarded-Host), so a
    /// port other than the one the client dialled names another origin. The client dialled either the https default,
    /// 443 (written or not: behind a Kubernetes Service on 443 the pod listens on 8443, and Host carries no port or
    /// 443), or the port this connection reached (8443 at the local edge, where nothing translates ports). Only the
    /// canonical spelling of those ports passes: <c>:08443</c>, an empty port or a second colon is refused.
    /// </summary>
    private static bool NamesTheDialledPort(string host, int localPort)
    {
        var colon = host.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return true;
        }

        var port = host.AsSpan(colon + 1);
        return port.SequenceEqual(DefaultHttpsPort) || port.SequenceEqual(localPort.ToString(CultureInfo.InvariantCulture));
    }
}
