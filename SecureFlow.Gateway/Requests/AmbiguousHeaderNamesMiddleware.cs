using SecureFlow.Gateway.Telemetry;

namespace SecureFlow.Gateway.Requests;

/// <summary>
/// Drops request headers whose names are not letters, digits and hyphens (<c>X_Forwarded_For</c>, <c>SecureFlow_Hop</c>,
/// <c>X.Filename</c>) before the WAF inspects the request and before it is forwarded. CGI-style backends (PHP, WSGI,
/// nginx's variables) read <c>X_Forwarded_For</c> and <c>X-Forwarded-For</c> as the same header, so such a name would let a
/// client smuggle a header this gateway strips or sets (hop records, X-Forwarded-*) past it. nginx
/// (<c>underscores_in_headers off</c>, <c>ignore_invalid_headers on</c>) and AWS load balancers drop them the same way;
/// the request goes on without them, and each drop is logged (the name only) and counted, so that a developer whose
/// client sends such a header sees why the workload never receives it.
/// </summary>
internal sealed partial class AmbiguousHeaderNamesMiddleware(RequestDelegate next, GatewayMetrics metrics, ILogger<AmbiguousHeaderNamesMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        List<string>? dropped = null;
        foreach (var name in context.Request.Headers.Keys)
        {
            if (!IsUnambiguous(name))
            {
                (dropped ??= []).Add(name);
            }
        }

        if (dropped is not null)
        {
            foreach (var name in dropped)
            {
                context.Request.Headers.Remove(name);
                metrics.RequestHeaderDropped();
                LogDropped(logger, name, context.TraceIdentifier);
            }
        }

        return next(context);
    }

    /// <summary>Letters, digits and hyphens: the names every backend reads one way.</summary>
    private static bool IsUnambiguous(string name) =>
        name.Length > 0 && name.All(character => char.IsAsciiLetterOrDigit(character) || character == '-');

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Dropped request header {HeaderName}: a name with characters other than letters, digits and '-' can alias another header at the backend (request {RequestId})")]
    private static partial void LogDropped(ILogger logger, string headerName, string requestId);
}
