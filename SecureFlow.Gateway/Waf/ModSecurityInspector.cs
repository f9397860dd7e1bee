using System.Buffers;
using System.Diagnostics;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using SecureFlow.Gateway.Inspection;
using SecureFlow.Gateway.Telemetry;
using SecureFlow.ServiceDefaults.Hops;

namespace SecureFlow.Gateway.Waf;

/// <summary>
/// The WAF step of the proxy pipeline: every request's connection, URI, headers and body go through ModSecurity with
/// the CRS before it is forwarded. A block ends the request with the engine's status and a correlation id (the trace
/// id), never the rule text, which would tell an attacker what to change.
/// </summary>
internal sealed partial class ModSecurityInspector(
    ModSecurityEngine engine, IOptions<WafOptions> options, GatewayMetrics metrics, ILogger<ModSecurityInspector> logger) : IRequestInspector
{
    private const int ChunkSize = 16 * 1024;

    private readonly WafOptions _options = options.Value;

    /// <summary>Bodies up to this size are held in memory while they are inspected; larger ones go to a temporary file.</summary>
    private readonly int _inMemoryLimit = options.Value.RequestBodyLimitInKb * 1024;

    public async ValueTask<bool> InspectAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var traceId = Activity.Current?.TraceId.ToHexString() ?? context.TraceIdentifier;

        // Fail closed: the model asks for a WAF on this hop, so a request the engine cannot inspect is never forwarded.
        if (!engine.IsAvailable)
        {
            Activity.Current?.SetStatus(ActivityStatusCode.Error, "WAF engine unavailable");
            await WriteRefusalAsync(context, StatusCodes.Status503ServiceUnavailable, ModSecurityEngine.UnavailableResponse, traceId).ConfigureAwait(false);
            return false;
        }

        // Refused before reading: a body the engine cannot see whole must not reach the backend. A file upload
        // (multipart/form-data) may be larger by the upload limit; the engine still limits its other parts.
        var bodyLimit = _options.BodyLimitInBytes(request.ContentType);
        if (request.ContentLength > bodyLimit)
        {
            return await RefuseBodyTooLargeAsync(context, bodyLimit, traceId).ConfigureAwait(false);
        }

        using var transaction = engine.BeginTransaction();
        var connection = context.Connection;
        transaction.ProcessConnection(connection.RemoteIpAddress, connection.RemotePort, connection.LocalIpAddress, connection.LocalPort);
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw ? raw : request.Path + request.QueryString;
        transaction.ProcessUri(target, request.Method, HttpVersion(request.Protocol));
        foreach (var (name, values) in request.Headers)
        {
            foreach (var value in values)
            {
                transaction.AddRequestHeader(name, value ?? "");
            }
        }

        transaction.ProcessRequestHeaders();
        var status = transaction.Intervention();
        if (status is null && context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
        {
            if (!await InspectBodyAsync(context, transaction, bodyLimit).ConfigureAwait(false))
            {
                return await RefuseBodyTooLargeAsync(context, bodyLimit, traceId).ConfigureAwait(false);
            }
        }

        // Phase 2 rules (most of the CRS, and its blocking decision) run here, with or without a body.
        if (status is null)
        {
            transaction.ProcessRequestBody();
            status = transaction.Intervention();
        }

        var detection = WafDetection.From(transaction.RuleMessages);
        return status is { } blockStatus
            ? await BlockAsync(context, blockStatus, detection, traceId).ConfigureAwait(false)
            : Pass(context, detection, traceId);
    }

    /// <summary>
    /// Streams the body to the engine chunk by chunk and keeps it (at most <paramref name="bodyLimit"/>) for the proxy to
    /// forward: in memory up to the in-memory limit, past it in a temporary file that is deleted with the request
    /// (ASP.NET Core's <see cref="FileBufferingReadStream"/>). Returns false when the body is larger than the limit.
    /// </summary>
    private async Task<bool> InspectBodyAsync(HttpContext context, ModSecurityTransaction transaction, long bodyLimit)
    {
        var request = context.Request;
        var body = new FileBufferingReadStream(request.Body, _inMemoryLimit, bufferLimit: null, AspNetCoreTempDirectory);
        context.Response.RegisterForDisposeAsync(body);
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            long length = 0;
            int read;
            while ((read = await body.ReadAsync(chunk.AsMemory(0, ChunkSize), context.RequestAborted).ConfigureAwait(false)) > 0)
            {
                length += read;
                if (length > bodyLimit)
                {
                    return false;
                }

                transaction.AppendRequestBody(chunk.AsSpan(0, read));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        body.Seek(0, SeekOrigin.Begin);
        request.Body = body;
        return true;
    }

    /// <summary>Where ASP.NET Core spools request bodies: <c>ASPNETCORE_TEMP</c>, else the system's temporary folder.</summary>
    private static string AspNetCoreTempDirectory() => Environment.GetEnvironmentVariable("ASPNETCORE_TEMP") is { Length: > 0 } temp ? temp : Path.GetTempPath();

    private bool Pass(HttpContext context, WafDetection detection, string traceId)
    {
        var action = detection.HasMatches ? WafAction.Detected : WafAction.Passed;

        // For the hop record: what the WAF decided about the request it lets through.
        context.Features.Set(new WafVerdict(action.ToTagValue(), detection.AnomalyScore));
        metrics.WafInspected(action, detection.Matches.Select(match => match.RuleId));
        if (detection.HasMatches)
        {
            LogDetection(logger, action, detection.RuleIds, detection.Messages, detection.AnomalyScore, traceId);
            Activity.Current?.SetTag("secureflow.waf.action", action.ToTagValue()).SetTag("secureflow.waf.rule_ids", detection.RuleIds);
        }

        return true;
    }

    private async Task<bool> BlockAsync(HttpContext context, int status, WafDetection detection, string traceId)
    {
        metrics.WafInspected(WafAction.Blocked, detection.Matches.Select(match => match.RuleId));
        LogDetection(logger, WafAction.Blocked, detection.RuleIds, detection.Messages, detection.AnomalyScore, traceId);
        Activity.Current?
            .SetTag("secureflow.waf.action", WafAction.Blocked.ToTagValue())
            .SetTag("secureflow.waf.rule_ids", detection.RuleIds)
            .SetTag("secureflow.waf.anomaly_score", detection.AnomalyScore)
            .SetStatus(ActivityStatusCode.Error, "Blocked by the WAF");
        await WriteRefusalAsync(context, status, "Request blocked by the web application firewall", traceId).ConfigureAwait(false);
        return false;
    }

    private async Task<bool> RefuseBodyTooLargeAsync(HttpContext context, long bodyLimit, string traceId)
    {
        metrics.WafInspected(WafAction.BodyTooLarge, []);
        LogBodyTooLarge(logger, bodyLimit, traceId);
        Activity.Current?.SetTag("secureflow.waf.action", WafAction.BodyTooLarge.ToTagValue());
        await WriteRefusalAsync(context, StatusCodes.Status413PayloadTooLarge, $"Request body larger than the {bodyLimit} bytes the web application firewall inspects", traceId)
            .ConfigureAwait(false);
        return false;
    }

    private static async Task WriteRefusalAsync(HttpContext context, int status, string reason, string traceId)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";

        // The request is not read any further: close the connection rather than drain an unread body. HTTP/2 has no
        // connection headers (Kestrel would strip Connection with a warning): there the connection ends with GOAWAY,
        // which lets the client finish what it has in flight on it.
        if (HttpProtocol.IsHttp11(context.Request.Protocol) || HttpProtocol.IsHttp10(context.Request.Protocol))
        {
            context.Response.Headers.Connection = "close";
        }
        else
        {
            context.Features.GetRequiredFeature<IConnectionLifetimeNotificationFeature>().RequestClose();
        }

        await context.Response.WriteAsync($"{reason}. Correlation id: {traceId}\n", context.RequestAborted).ConfigureAwait(false);
    }

    private static string HttpVersion(string protocol) => protocol switch
    {
        "HTTP/2" => "2.0",
        "HTTP/3" => "3.0",
        "HTTP/1.0" => "1.0",
        _ => "1.1",
    };

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "WAF {Action}: rules {RuleIds} ({Messages}), anomaly score {AnomalyScore}, trace {TraceId}")]
    private static partial void LogDetection(ILogger logger, WafAction action, string ruleIds, string messages, int anomalyScore, string traceId);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "WAF refused a request body larger than {Limit} bytes (413), trace {TraceId}")]
    private static partial void LogBodyTooLarge(ILogger logger, long limit, string traceId);
}
