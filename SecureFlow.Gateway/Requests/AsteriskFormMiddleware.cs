using Microsoft.AspNetCore.Http.Features;

namespace SecureFlow.Gateway.Requests;

/// <summary>
/// Refuses <c>OPTIONS *</c> (the asterisk-form request target, RFC 9112 3.2.4) with 400. It asks about the server in
/// general, not a resource, so no route can carry it: forwarded, it would arrive as <c>OPTIONS /</c>, a request about
/// a resource the client never named.
/// </summary>
internal sealed class AsteriskFormMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Features.Get<IHttpRequestFeature>()?.RawTarget == "*")
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return Task.CompletedTask;
        }

        return next(context);
    }
}
