namespace SecureFlow.Gateway.Requests;

/// <summary>
/// Answers a request that turns out malformed while the gateway itself reads it (bad chunk framing, a body that ends
/// early or outgrows Kestrel's limits: Kestrel's <see cref="BadHttpRequestException"/>, raised where the WAF reads the
/// body) with the exception's status code and an empty body, as Kestrel does when nothing catches it first. In the
/// Development environment ASP.NET Core's developer exception page catches it first and sends the client the stack
/// trace, the gateway's source paths and every request header; a gateway never shows a client its internals.
/// </summary>
internal sealed partial class BadRequestResponseMiddleware(RequestDelegate next, ILogger<BadRequestResponseMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException exception) when (!context.Response.HasStarted)
        {
            LogRefused(logger, exception.StatusCode, exception.Message, context.TraceIdentifier);
            context.Response.Clear();
            context.Response.StatusCode = exception.StatusCode;
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Refused a malformed request with {StatusCode}: {Reason} (request {RequestId})")]
    private static partial void LogRefused(ILogger logger, int statusCode, string reason, string requestId);
}
