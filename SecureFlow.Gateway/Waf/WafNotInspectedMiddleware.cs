namespace SecureFlow.Gateway.Waf;

/// <summary>
/// While the WAF the model asks for cannot run, every response says so: the app keeps working on a machine without the
/// engine, but never with a silent pass that looks protected.
/// </summary>
internal sealed class WafNotInspectedMiddleware(RequestDelegate next)
{
    public const string HeaderName = "SecureFlow-Waf";
    public const string NotInspected = "not-inspected";

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.Headers[HeaderName] = NotInspected;
        return next(context);
    }
}
