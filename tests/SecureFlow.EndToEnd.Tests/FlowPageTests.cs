using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using SecureFlow.EndToEnd.Tests.Infrastructure;

namespace SecureFlow.EndToEnd.Tests;

/// <summary>The flow inspector through the real chain: what each hop's record says, and the page's own protections.</summary>
public sealed partial class FlowPageTests(SharedApp shared)
{
    private readonly SecureFlowApp _app = shared.App;

    [Fact]
    public async Task EveryHopNamesTheCertificateItPresentedWithTheVersionItReadFromTheVault()
    {
        using var client = _app.CreateClient();

        var flow = await client.GetFromJsonAsync<JsonElement>(_app.EdgeUri("/api/flow"), TestContext.Current.CancellationToken);

        var hops = flow.GetProperty("hops").EnumerateArray().ToDictionary(hop => hop.GetProperty("hop").GetString()!);
        foreach (var (hop, certificate) in new[] { ("edge", "edge-tls"), ("ingress", "ingress-tls"), ("workload", "workload-mtls"), ("orders", "orders-mtls") })
        {
            var (version, thumbprint) = await _app.CertificateInVaultAsync(certificate);
            var presented = hops[hop].GetProperty("certificate");
            Assert.Equal(thumbprint, presented.GetProperty("thumbprint").GetString(), ignoreCase: true);
            Assert.Equal(version, presented.GetProperty("vaultVersion").GetString());
            Assert.False(string.IsNullOrEmpty(presented.GetProperty("subject").GetString()));
            Assert.False(string.IsNullOrEmpty(presented.GetProperty("issuer").GetString()));
            Assert.True(presented.GetProperty("notAfter").GetDateTimeOffset() > DateTimeOffset.UtcNow, $"{hop} presented an expired certificate.");
        }
    }

    [Fact]
    public async Task OnlyTheEdgeRecordsAWafDecisionAndAnOrdinaryRequestPassesWithScoreZero()
    {
        using var client = _app.CreateClient();

        var flow = await client.GetFromJsonAsync<JsonElement>(_app.EdgeUri("/api/flow"), TestContext.Current.CancellationToken);

        var hops = flow.GetProperty("hops").EnumerateArray().ToList();
        var waf = hops[0].GetProperty("waf");
        Assert.Equal("passed", waf.GetProperty("decision").GetString());
        Assert.Equal(0, waf.GetProperty("anomalyScore").GetInt32());
        Assert.All(hops.Skip(1), hop => Assert.Equal(JsonValueKind.Null, hop.GetProperty("waf").ValueKind));
    }

    [Fact]
    public async Task AHopRecordWithAForgedCertificateAndWafVerdictSentByTheClientDoesNotAppear()
    {
        using var client = _app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, _app.EdgeUri("/api/flow"));
        request.Headers.TryAddWithoutValidation(
            "SecureFlow-Hop", "hop=edge;tls=TLSv1.3;cipher=TLS_AES_256_GCM_SHA384;sni=delta.secureflow.localhost;certSubject=CN%3Dforged;certIssuer=CN%3Dforged;certNotAfter=2099-01-01T00%3A00%3A00.0000000%2B00%3A00;certThumbprint=00;waf=passed;wafScore=0");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var flow = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        var hops = flow.GetProperty("hops").EnumerateArray().ToList();
        Assert.Equal(["edge", "ingress", "workload", "orders"], hops.Select(hop => hop.GetProperty("hop").GetString()));
        Assert.DoesNotContain(hops, hop => hop.GetProperty("certificate").GetProperty("subject").GetString() == "CN=forged");
    }

    [Fact]
    public async Task ThePageIsStaticHtmlUnderAContentSecurityPolicyThatRunsNoInlineCodeAndForbidsFraming()
    {
        using var client = _app.CreateClient();

        using var response = await client.GetAsync(_app.EdgeUri("/"), TestContext.Current.CancellationToken);
        var page = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var policy = Directives(Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("'self'", policy["default-src"]);
        Assert.Equal("'self'", policy["script-src"]);
        Assert.Equal("'self'", policy["style-src"]);
        Assert.Equal("'none'", policy["frame-ancestors"]);
        Assert.Equal($"'self' https://*.secureflow.localhost:{_app.EdgePort}", policy["connect-src"]);
        Assert.DoesNotContain(policy.Values, value => value.Contains("unsafe", StringComparison.Ordinal));
        Assert.All(ScriptTags().Matches(page), script => Assert.Contains(" src=\"/", script.Value, StringComparison.Ordinal));
        Assert.DoesNotMatch(InlineStyleOrHandler(), page);
        foreach (var (asset, type) in new[] { ("/flow.js", "javascript"), ("/flow.css", "text/css") })
        {
            using var file = await client.GetAsync(_app.EdgeUri(asset), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
            Assert.EndsWith(type, file.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        }
    }

    private static Dictionary<string, string> Directives(string policy) =>
        policy.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(directive => directive.Split(' ', 2))
            .ToDictionary(parts => parts[0], parts => parts.Length > 1 ? parts[1] : "");

    [GeneratedRegex("<script[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTags();

    [GeneratedRegex(@"<style|\sstyle=|\son[a-z]+=", RegexOptions.IgnoreCase)]
    private static partial Regex InlineStyleOrHandler();
}
