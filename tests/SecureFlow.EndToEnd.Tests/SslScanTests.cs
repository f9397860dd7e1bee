using System.Xml.Linq;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using SecureFlow.EndToEnd.Tests.Infrastructure;

namespace SecureFlow.EndToEnd.Tests;

/// <summary>sslscan, a third-party scanner, reports exactly the model's TLS policy on every hop.</summary>
public sealed class SslScanTests(SharedApp shared)
{
    private readonly SecureFlowApp _app = shared.App;

    [Fact]
    public Task EdgeOffersExactlyThePolicy() => AssertScanMatchesPolicyAsync(_app.EdgePort, SecureFlowApp.PublicHost);

    [Fact]
    public Task IngressOffersExactlyThePolicy() => AssertScanMatchesPolicyAsync(_app.IngressPort, SecureFlowApp.WorkloadHost);

    [Theory]
    [InlineData("workload")]
    [InlineData("orders")]
    public Task MutualTlsPortOffersExactlyThePolicy(string service) =>
        AssertScanMatchesPolicyAsync(_app.App.GetEndpoint(service, MutualTlsResourceExtensions.MutualTlsEndpointName).Port, $"{service}.secureflow.localhost");

    private static async Task AssertScanMatchesPolicyAsync(int port, string serverName)
    {
        var xml = await ExternalTool.RunAsync("sslscan", "--no-colour", "--no-heartbleed", $"--sni-name={serverName}", "--xml=-", $"127.0.0.1:{port}");
        var scan = XDocument.Parse(xml[xml.IndexOf("<?xml", StringComparison.Ordinal)..xml.LastIndexOf("</document>", StringComparison.Ordinal)] + "</document>");

        var enabled = scan.Descendants("protocol")
            .Where(protocol => (string?)protocol.Attribute("enabled") == "1")
            .Select(protocol => $"{protocol.Attribute("type")?.Value}{protocol.Attribute("version")?.Value}")
            .Order();
        Assert.Equal(["tls1.2", "tls1.3"], enabled);

        var names = await IanaNamesAsync();
        var accepted = scan.Descendants("cipher")
            .Select(cipher => names.GetValueOrDefault(cipher.Attribute("cipher")!.Value, cipher.Attribute("cipher")!.Value))
            .Order();

        // The certificates are RSA, so of the policy's TLS 1.2 suites the ECDHE_RSA ones are the ones a handshake can use.
        var expected = TlsPolicy.Baseline.CipherSuites.Select(suite => suite.ToString())
            .Where(name => !name.Contains("_ECDSA_", StringComparison.Ordinal))
            .Order();
        Assert.Equal(expected, accepted);
    }

    /// <summary>sslscan prints OpenSSL's cipher names; openssl itself maps them to the IANA names the policy uses.</summary>
    private static async Task<Dictionary<string, string>> IanaNamesAsync()
    {
        var listing = await ExternalTool.RunAsync("openssl", "ciphers", "-stdname", "ALL:@SECLEVEL=0");
        return listing.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 3 && fields[1] == "-")
            .GroupBy(fields => fields[2])
            .ToDictionary(group => group.Key, group => group.First()[0]);
    }
}
