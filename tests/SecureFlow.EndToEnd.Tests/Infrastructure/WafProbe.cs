using System.Globalization;
using System.Net;
using System.Text;

namespace SecureFlow.EndToEnd.Tests.Infrastructure;

/// <summary>
/// One request for the edge's WAF, as raw HTTP/1.1 bytes or as the same request over HTTP/2. <paramref name="Headers"/>
/// are extra header lines, each ending in CRLF; the target is sent exactly as written (no canonicalization).
/// </summary>
public sealed record WafProbe(string Method, string Target, string Headers = "", string? ContentType = null, string? Body = null)
{
    public static WafProbe Post(string target, string contentType, string body) => new("POST", target, ContentType: contentType, Body: body);

    public byte[] ToHttp11()
    {
        var request = new StringBuilder($"{Method} {Target} HTTP/1.1\r\nHost: {SecureFlowApp.PublicHost}\r\n{Headers}");
        if (Body is not null)
        {
            if (ContentType is not null)
            {
                request.Append(CultureInfo.InvariantCulture, $"Content-Type: {ContentType}\r\n");
            }

            request.Append(CultureInfo.InvariantCulture, $"Content-Length: {Encoding.Latin1.GetByteCount(Body)}\r\n");
        }

        return Encoding.Latin1.GetBytes(request.Append("Connection: close\r\n\r\n").Append(Body).ToString());
    }

    /// <summary>
    /// Sends the request over a new HTTP/2 connection; the status is -1 when the edge refused it at the HTTP/2 level
    /// (a stream or connection error) instead of answering.
    /// </summary>
    public async Task<(int Status, string Response)> SendOverHttp2Async(SecureFlowApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var uri = new Uri(
            $"https://{SecureFlowApp.PublicHost}:{app.EdgePort}{Target}", new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var request = new HttpRequestMessage(new HttpMethod(Method), uri) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        foreach (var line in Headers.Split("\r\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            request.Headers.TryAddWithoutValidation(line[..colon], line[(colon + 1)..].Trim());
        }

        if (Body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.Latin1.GetBytes(Body));
            if (ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }
        }

        using var client = app.CreateClient();
        try
        {
            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken).WaitAsync(SecureFlowApp.RequestTimeout);
            Assert.Equal(HttpVersion.Version20, response.Version);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken).WaitAsync(SecureFlowApp.RequestTimeout));
        }
        catch (HttpRequestException exception) when (exception.HttpRequestError == HttpRequestError.HttpProtocolError)
        {
            return (-1, exception.Message);
        }
    }
}
