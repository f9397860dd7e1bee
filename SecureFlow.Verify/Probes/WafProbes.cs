using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using SecureFlow.Verify.Expectations;
using SecureFlow.Verify.Reporting;

namespace SecureFlow.Verify.Probes;

/// <summary>
/// A small fixed set of requests the OWASP CRS 3.3 blocks at paranoia level 1 (each alone scores at least the anomaly
/// threshold of 5): SQL injection, XSS, local file inclusion and remote command execution, each in the query, a form body
/// and a JSON body; and ordinary requests that must pass. One request each, small, no load.
/// </summary>
public static class WafProbes
{
    /// <summary>The attacks, with the CRS rules they are known to trip.</summary>
    public static IReadOnlyList<(string Id, string Name, string Payload)> Attacks { get; } =
    [
        ("sqli", "SQL injection", "1' OR '1'='1"),
        ("xss", "XSS", "<script>alert(document.cookie)</script>"),
        ("lfi", "local file inclusion", "../../../../etc/passwd"),
        ("rce", "remote command execution", ";/bin/cat /etc/passwd"),
    ];

    public static async Task<IReadOnlyList<ControlResult>> AttacksAsync(ProbeTarget target, ChainExpectations expected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(expected);
        var waf = expected.Waf;
        using var client = target.CreateHttpClient();
        List<ControlResult> results = [];
        foreach (var (id, name, payload) in Attacks)
        {
            foreach (var (placement, request) in Placements(target, expected.FlowPath, payload))
            {
                using (request)
                {
                    var status = await StatusAsync(client, request, cancellationToken).ConfigureAwait(false);
                    results.Add(ControlResult.Judge(
                        $"waf.{id}.{placement}", $"WAF blocks {name} in the {placement}",
                        waf.Blocks ? $"{waf.BlockStatus} ({waf.RuleSet}, {waf.Mode})" : $"not blocked ({waf.Mode})",
                        status.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        waf.Blocks ? status == waf.BlockStatus : status != waf.BlockStatus,
                        waf.Blocks ? $"{name} in the {placement} reached the backend" : $"blocked although the model's WAF is {waf.Mode}",
                        "the WAF policy must be associated with the gateway, in Prevention mode, with Microsoft_DefaultRuleSet 2.1 and the model's exclusions only (infra/appgateway.bicep: firewallPolicy)"));
                }
            }
        }

        return results;
    }

    public static async Task<IReadOnlyList<ControlResult>> OrdinaryAsync(ProbeTarget target, ChainExpectations expected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(expected);
        using var client = target.CreateHttpClient();
        List<ControlResult> results = [];
        foreach (var (placement, request) in Placements(target, expected.FlowPath, "Ada Lovelace's order, 42 items"))
        {
            using (request)
            {
                var status = await StatusAsync(client, request, cancellationToken).ConfigureAwait(false);
                results.Add(ControlResult.Judge(
                    $"waf.ordinary.{placement}", $"ordinary request passes the WAF ({placement})", $"not {expected.Waf.BlockStatus}, no server error",
                    status.ToString(System.Globalization.CultureInfo.InvariantCulture), status != expected.Waf.BlockStatus && status < 500,
                    status == expected.Waf.BlockStatus ? "an ordinary request is blocked: a false positive that users will meet" : "an ordinary request fails behind the edge",
                    status == expected.Waf.BlockStatus
                        ? "find the rule in the WAF log (AzureDiagnostics, ApplicationGatewayFirewallLog) and add an exclusion in the model (WithWaf), then republish"
                        : "check the backend health of the Application Gateway (backendHealth) and the ingress's logs"));
            }
        }

        return results;
    }

    private static IEnumerable<(string Placement, HttpRequestMessage Request)> Placements(ProbeTarget target, string path, string value)
    {
        yield return ("query", new HttpRequestMessage(HttpMethod.Get, target.UriFor($"{path}?q={Uri.EscapeDataString(value)}")));
        yield return ("form body", new HttpRequestMessage(HttpMethod.Post, target.UriFor(path))
        {
            Content = new FormUrlEncodedContent([new("q", value)]),
        });
        yield return ("JSON body", new HttpRequestMessage(HttpMethod.Post, target.UriFor(path))
        {
            Content = new StringContent(JsonSerializer.Serialize(new { order = new { q = value } }), Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        });
    }

    private static async Task<int> StatusAsync(HttpClient client, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        return (int)response.StatusCode;
    }
}
