using Microsoft.AspNetCore.Connections.Features;
using SecureFlow.Gateway.Telemetry;

namespace SecureFlow.Gateway.Tls;

/// <summary>
/// A request's Host must name the server the client asked for in its handshake. Otherwise one certificate's
/// connection could carry requests for another host (HTTP/2 connection reuse, domain fronting): such a request gets
/// 421 Misdirected Request (RFC 9110 15.5.20), which tells a browser to retry on a fresh connection; one that names no
/// host at all gets 400.
/// A request that did not arrive over TLS came through the management listener: only health endpoints live there.
/// </summary>
internal sealed class HostMatchesSniMiddleware(RequestDelegate next, GatewayMetrics metrics)
{
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

        if (!string.Equals(context.Request.Host.Host, tls.HostName, StringComparison.OrdinalIgnoreCase))
        {
            metrics.RequestMisdirected();
            context.Response.StatusCode = StatusCodes.Status421MisdirectedRequest;
            return Task.CompletedTask;
        }

        return next(context);
    }
}
