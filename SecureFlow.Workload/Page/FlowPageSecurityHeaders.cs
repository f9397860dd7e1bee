using System.Text.RegularExpressions;

namespace SecureFlow.Workload.Page;

/// <summary>
/// The flow page's own protections, on every response of the workload: a Content-Security-Policy that runs only the
/// page's own script and style files (no inline code, so an injected string cannot execute), never lets another site
/// frame it (clickjacking), and lets it connect only to itself and, for the "try it" panel's wrong-name request, to the
/// other names of its public domain.
/// </summary>
internal sealed partial class FlowPageSecurityHeaders(RequestDelegate next)
{
    private const string Policy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; object-src 'none'; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = $"{Policy}; connect-src 'self'{OtherNamesOfThePublicDomain(context.Request)}";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        return next(context);
    }

    /// <summary>
    /// <c> https://*.secureflow.localhost:8443</c> for a request the edge received as <c>delta.secureflow.localhost:8443</c>:
    /// the first X-Forwarded-Host, which the edge sets and no client can forge (the gateways drop a client's), checked
    /// to be a host name before it goes into the policy. Nothing when the request did not come through the edge.
    /// </summary>
    private static string OtherNamesOfThePublicDomain(HttpRequest request)
    {
        var publicHost = request.Headers["X-Forwarded-Host"].ToString().Split(',', 2)[0].Trim();
        var match = PublicHost().Match(publicHost);
        return match.Success ? $" https://*.{match.Groups["parent"].Value}{match.Groups["port"].Value}" : "";
    }

    [GeneratedRegex(@"^[a-z0-9-]{1,63}\.(?<parent>(?:[a-z0-9-]{1,63}\.)*[a-z0-9-]{1,63})(?<port>:[0-9]{1,5})?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PublicHost();
}
