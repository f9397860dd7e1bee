using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SecureFlow.Verify.Expectations;
using SecureFlow.Verify.Reporting;

namespace SecureFlow.Verify.Probes;

/// <summary>
/// What the workload reports of a request sent with forged identity headers (<c>GET /api/flow</c>: the hops, what the
/// workload saw, the names of the headers that reached it): none of them may arrive, and the hops are the model's, in order.
/// </summary>
public static class FlowProbes
{
    public const string ForgedHop = "verify-forged-hop";
    public const string ForgedAddress = "203.0.113.66";
    public const string ForgedHost = "verify-forged-host.invalid";

    private const string HeaderFix = "the rewrite rule set edge-headers must delete every client identity header before routing (infra/appgateway.bicep: requestHeaderConfigurations with empty values), as the model's ClientIdentityHeaders lists";

    // Names that a backend which maps '_' to '-' (CGI, some frameworks) would read as the identity headers.
    private static readonly string[] AliasedNames = ["SecureFlow_Hop", "X_Forwarded_For"];

    /// <summary>The forged request over HTTP/1.1, then (when the model turns it on) over HTTP/2, whose headers the edge reads another way.</summary>
    public static async Task<IReadOnlyList<ControlResult>> ProbeAsync(ProbeTarget target, ChainExpectations expected, VerifyProfile profile, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(expected);
        var results = (await ProbeAsync(target, expected, profile, System.Net.HttpVersion.Version11, cancellationToken).ConfigureAwait(false)).ToList();
        if (expected.Http2)
        {
            results.AddRange((await ProbeAsync(target, expected, profile, System.Net.HttpVersion.Version20, cancellationToken).ConfigureAwait(false))
                .Where(result => result.Id.StartsWith("headers.", StringComparison.Ordinal))
                .Select(result => result with { Id = result.Id + ".h2", Control = result.Control + " (HTTP/2)" }));
        }

        return results;
    }

    private static async Task<IReadOnlyList<ControlResult>> ProbeAsync(ProbeTarget target, ChainExpectations expected, VerifyProfile profile, Version version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        using var client = target.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, target.UriFor(expected.FlowPath)) { Version = version, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        request.Headers.TryAddWithoutValidation("SecureFlow-Hop", $"hop={ForgedHop};tls=TLSv1.3;cipher=TLS_AES_128_GCM_SHA256;sni={ForgedHost}");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", ForgedAddress);
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", ForgedHost);
        request.Headers.TryAddWithoutValidation("Forwarded", $"for={ForgedAddress};host={ForgedHost};proto=http");
        request.Headers.TryAddWithoutValidation(AliasedNames[0], $"hop={ForgedHop};tls=TLSv1.3;cipher=TLS_AES_128_GCM_SHA256;sni={ForgedHost}");
        request.Headers.TryAddWithoutValidation(AliasedNames[1], ForgedAddress);
        using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);

        JsonElement flow = default;
        var readable = response.StatusCode == HttpStatusCode.OK;
        if (readable)
        {
            try
            {
                flow = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
                readable = flow.ValueKind == JsonValueKind.Object && flow.TryGetProperty("hops", out _) && flow.TryGetProperty("workload", out _);
            }
            catch (JsonException)
            {
                readable = false;
            }
        }

        var expectedHops = expected.Hops.For(profile);
        if (!readable)
        {
            var observed = $"no flow report ({(int)response.StatusCode} {response.Content.Headers.ContentType})";
            return [.. new[] { ("headers.hop", "forged SecureFlow-Hop absent"), ("headers.x-forwarded-for", "forged X-Forwarded-For absent"), ("headers.forwarded", "forged Forwarded absent"), ("headers.aliased", "headers aliasing them (SecureFlow_Hop) absent"), ("flow.hops", "the hops are the model's, in order") }
                .Select(row => new ControlResult(row.Item1, row.Item2, "a flow report to read it from", observed, Verdict.Fail,
                    $"GET {expected.FlowPath} did not return the workload's flow report, so the headers that reach it are unknown",
                    "check that the routing rule sends the public host to the ingress and the ingress to the workload"))];
        }

        var hops = flow.GetProperty("hops").EnumerateArray().Select(hop => hop.TryGetProperty("hop", out var name) ? name.GetString() ?? "" : "").ToList();
        var workload = flow.GetProperty("workload");
        var forwardedFor = Text(workload, "forwardedFor");
        var forwardedHost = Text(workload, "forwardedHost");
        var headerNames = workload.TryGetProperty("headerNames", out var names) ? names.EnumerateArray().Select(name => name.GetString() ?? "").ToList() : [];

        return
        [
            ControlResult.Judge("headers.hop", "forged SecureFlow-Hop absent", $"no hop '{ForgedHop}'", string.Join(" -> ", hops), !hops.Contains(ForgedHop),
                "a client's hop record reached the workload: the path a request took can be forged", HeaderFix),
            ControlResult.Judge("headers.x-forwarded-for", "forged X-Forwarded-For absent", $"no {ForgedAddress}, no {ForgedHost}", $"forwardedFor '{forwardedFor}', forwardedHost '{forwardedHost}'",
                !forwardedFor.Contains(ForgedAddress, StringComparison.Ordinal) && !forwardedHost.Contains(ForgedHost, StringComparison.OrdinalIgnoreCase),
                "a client's X-Forwarded-For/Host reached the workload: it can pose as another address or host (allow-lists, logs, redirects)", HeaderFix),
            ControlResult.Judge("headers.forwarded", "forged Forwarded absent", "no Forwarded header at the workload", headerNames.Contains("Forwarded", StringComparer.OrdinalIgnoreCase) ? "Forwarded reached the workload" : "absent",
                !headerNames.Contains("Forwarded", StringComparer.OrdinalIgnoreCase),
                "a client's RFC 7239 Forwarded header reached the workload: it can pose as another address", HeaderFix),
            ControlResult.Judge("headers.aliased", "headers aliasing them (SecureFlow_Hop) absent", $"neither {string.Join(" nor ", AliasedNames)} at the workload",
                headerNames.Intersect(AliasedNames, StringComparer.OrdinalIgnoreCase).ToList() is { Count: > 0 } aliased ? $"{string.Join(", ", aliased)} reached the workload" : "absent",
                !headerNames.Intersect(AliasedNames, StringComparer.OrdinalIgnoreCase).Any(),
                "a header whose name differs from an identity header only by '_' reached the workload: a backend that maps '_' to '-' reads it as the real one",
                "delete these names at the edge too (rewrite rule set edge-headers: requestHeaderConfigurations SecureFlow_Hop, X_Forwarded_For, ... with empty values), as the local edge drops every header whose name has an underscore"),
            ControlResult.Judge("flow.hops", "the hops are the model's, in order", string.Join(" -> ", expectedHops), string.Join(" -> ", hops), hops.SequenceEqual(expectedHops, StringComparer.Ordinal),
                "the request did not take the model's path (a hop missing, added or out of order)",
                "the routing rule must send the public host to the ingress's backend pool only, and the ingress route the workload's host to the workload (infra/appgateway.bicep, deploy/)"),
        ];
    }

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : "";
}
