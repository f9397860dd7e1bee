using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.RegularExpressions;
using SecureFlow.Verify.Expectations;
using SecureFlow.Verify.Reporting;

namespace SecureFlow.Verify.Probes;

/// <summary>The edge's HTTP controls: HSTS, Host must be the SNI name, HTTP/2 as the model says, the plain HTTP port.</summary>
public static partial class HttpProbes
{
    /// <summary>A Host no listener serves, sent over a connection whose SNI is the public host.</summary>
    public const string OtherHost = "verify-other-host.invalid";

    public static async Task<ControlResult> HstsAsync(ProbeTarget target, ChainExpectations expected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(expected);
        using var client = target.CreateHttpClient();
        using var response = await client.GetAsync(target.UriFor(expected.FlowPath), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var values = response.Headers.TryGetValues("Strict-Transport-Security", out var found) ? found.ToList() : [];
        var maxAge = values.Count == 1 && MaxAge().Match(values[0]) is { Success: true } match && int.TryParse(match.Groups[1].Value, out var seconds) ? seconds : (int?)null;
        var observed = values.Count == 0 ? $"no Strict-Transport-Security header ({(int)response.StatusCode})" : string.Join(" | ", values);
        var expectedText = expected.HstsMaxAgeSeconds is { } age ? $"Strict-Transport-Security: max-age={age}" : "no HSTS";
        return ControlResult.Judge("http.hsts", "HSTS with the model's max-age", expectedText, observed,
            expected.HstsMaxAgeSeconds is null ? values.Count == 0 : maxAge == expected.HstsMaxAgeSeconds,
            values.Count == 0
                ? "no HSTS: a browser that once typed http:// can be stripped to plain HTTP by anyone on its path"
                : "HSTS with another max-age than the model's: browsers remember the edge for a different time than intended",
            "the rewrite rule set edge-headers must set the response header Strict-Transport-Security to the model's value on every response (infra/appgateway.bicep)");
    }

    public static async Task<ControlResult> HostMustMatchSniAsync(ProbeTarget target, ChainExpectations expected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(expected);
        await using var stream = await target.HandshakeAsync(target.Host, SslProtocols.None, cancellationToken).ConfigureAwait(false);
        var status = await RawHttp.SendAsync(stream, RawHttp.Get(OtherHost, expected.FlowPath), target.Timeout, cancellationToken).ConfigureAwait(false);
        return ControlResult.Judge("http.host-sni", "Host must be the SNI name", $"{expected.MisdirectedStatus} for Host {OtherHost}",
            status is null ? "connection closed without a response" : $"{status}", status == expected.MisdirectedStatus,
            "a request for another host is answered over the public host's connection: the listener serves names it has no certificate for (domain fronting)",
            "the HTTPS listener must be multi-site with hostNames = the public host only (infra/appgateway.bicep), with no basic listener behind it");
    }

    public static async Task<ControlResult> Http2Async(ProbeTarget target, ChainExpectations expected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(expected);
        await using var stream = await target.HandshakeAsync(target.Host, SslProtocols.None, cancellationToken,
            applicationProtocols: [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11]).ConfigureAwait(false);
        var negotiated = stream.NegotiatedApplicationProtocol == SslApplicationProtocol.Http2 ? "h2" : stream.NegotiatedApplicationProtocol == SslApplicationProtocol.Http11 ? "http/1.1" : "no ALPN (HTTP/1.1)";
        var speaksHttp2 = negotiated == "h2";
        return ControlResult.Judge("http.http2", "HTTP/2 as the model says", expected.Http2 ? "h2 offered and chosen" : "http/1.1 only", negotiated, speaksHttp2 == expected.Http2,
            expected.Http2 ? "the edge does not speak HTTP/2 although the model turns it on" : "the edge speaks HTTP/2 although the model turns it off",
            "set enableHttp2 on the Application Gateway as the model's WithHttp2 says (infra/appgateway.bicep)");
    }

    public static async Task<ControlResult> PlainHttpAsync(ProbeTarget target, ChainExpectations expected, int port, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(expected);
        var expectedText = expected.PlainHttp == PlainHttpBehaviour.Closed ? $"port {port} closed" : $"port {port} redirects to https";
        string observed;
        int? status = null;
        string? location = null;
        try
        {
            await using var stream = await target.ConnectAsync(port, cancellationToken).ConfigureAwait(false);
            using var client = new HttpClient(new SocketsHttpHandler
            {
                ConnectCallback = (_, _) => ValueTask.FromResult<Stream>(stream),
                AllowAutoRedirect = false,
                UseProxy = false,
            })
            {
                Timeout = target.Timeout,
                MaxResponseContentBufferSize = ProbeTarget.MaxResponseBytes,
            };
            using var response = await client.GetAsync(new UriBuilder("http", target.Host, port, expected.FlowPath).Uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            status = (int)response.StatusCode;
            location = response.Headers.Location?.ToString();
            observed = $"answered {status}" + (location is null ? "" : $" -> {location}");
        }
        catch (Exception exception) when (exception is SocketException or TimeoutException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            observed = $"closed ({exception.Message})";
        }
        catch (HttpRequestException exception)
        {
            observed = $"no HTTP answer ({exception.Message})";
        }

        var redirects = status is (int)HttpStatusCode.MovedPermanently or (int)HttpStatusCode.PermanentRedirect
            && location is not null && location.StartsWith($"https://{target.Host}", StringComparison.OrdinalIgnoreCase);
        var holds = expected.PlainHttp == PlainHttpBehaviour.Closed ? status is null : redirects;
        return ControlResult.Judge("http.plain", "plain HTTP closed or redirecting as the model says", expectedText, observed, holds,
            status is null ? "plain HTTP is not redirected although the model says so" : "plain HTTP is answered: requests and cookies can be read and changed on the way",
            expected.PlainHttp == PlainHttpBehaviour.Closed
                ? $"remove the HTTP listener on frontend port {port}, or let it only redirect (infra/appgateway.bicep: no Http listener, as the model publishes)"
                : "add an HTTP listener whose routing rule only redirects (301/308) to the HTTPS listener");
    }

    [GeneratedRegex(@"(?:^|;)\s*max-age\s*=\s*""?(\d+)""?", RegexOptions.IgnoreCase)]
    private static partial Regex MaxAge();
}
