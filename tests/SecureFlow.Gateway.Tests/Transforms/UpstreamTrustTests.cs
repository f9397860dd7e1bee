using Microsoft.Extensions.Options;
using SecureFlow.Gateway.Tests.Infrastructure;
using SecureFlow.ServiceDefaults.Hops;

namespace SecureFlow.Gateway.Tests.Transforms;

/// <summary>
/// A gateway keeps the forwarding headers and hop records of the hop in front of it only on connections from that
/// hop's networks, and only the headers that hop sets; from anywhere else it drops them, as the edge does for clients.
/// The in-cluster ingress in Azure trusts Application Gateway's subnet; a pod that reaches it around the edge is not it.
/// </summary>
public sealed class UpstreamTrustTests
{
    private const string ForgedHop = "hop=forged;tls=TLSv1.3;cipher=x;sni=y";

    [Fact]
    public async Task FromTheTrustedUpstreamItsHeadersAreKeptAndAppendedToAndEveryOtherIdentityHeaderIsDropped()
    {
        var headers = await ForwardedHeadersAsync(network: "127.0.0.0/8");

        Assert.Contains("X-Forwarded-For: 203.0.113.7, 127.0.0.1", headers);
        var hops = Assert.Single(headers, line => line.StartsWith(HopRecord.HeaderName + ":", StringComparison.Ordinal));
        Assert.StartsWith($"{HopRecord.HeaderName}: {ForgedHop}, hop=edge;", hops, StringComparison.Ordinal);
        Assert.DoesNotContain(headers, line => line.StartsWith("X-Real-IP", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(headers, line => line.StartsWith("Forwarded:", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("10.240.5.0/24")]
    [InlineData("::1/128")]
    public async Task FromAnyOtherAddressTheUpstreamsHeadersAreDroppedAndOnlyThisHopsOwnArePassed(string network)
    {
        var headers = await ForwardedHeadersAsync(network);

        Assert.Contains("X-Forwarded-For: 127.0.0.1", headers);
        Assert.DoesNotContain(headers, line => line.Contains("203.0.113.7", StringComparison.Ordinal));
        Assert.DoesNotContain(headers, line => line.Contains("hop=forged", StringComparison.Ordinal));
        Assert.Single(headers, line => line.StartsWith($"{HopRecord.HeaderName}: hop=edge;", StringComparison.Ordinal));
        Assert.DoesNotContain(headers, line => line.StartsWith("X-Real-IP", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("Gateway:TrustedUpstreamNetworks:0", "10.240.5.1/24", "is not a network in CIDR form")]
    [InlineData("Gateway:TrustedUpstreamNetworks:0", "app-gateway", "is not a network in CIDR form")]
    [InlineData("Gateway:TrustedUpstreamHeaders:0", "Authorization", "is not one of its client identity headers")]
    public async Task AGatewayRefusesToStartWithTrustItCannotApply(string key, string value, string message)
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => InProcessGateway.StartAsync(_ => new()
        {
            ["Gateway:TrustedUpstreamNetworks:0"] = "10.240.5.0/24",
            [key] = value,
        }));

        Assert.Contains(message, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AGatewayRefusesToStartWhenAHeaderItAppendsToIsNotDroppedFirst()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => InProcessGateway.StartAsync(_ => new()
        {
            ["Gateway:ClientIdentityHeaders:1"] = "X-Not-Forwarded-For",
        }));

        Assert.Contains("'X-Forwarded-For' must be one of its client identity headers", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrustedHeadersWithoutTrustedNetworksAreRefused()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => InProcessGateway.StartAsync(_ => new()
        {
            ["Gateway:TrustedUpstreamHeaders:0"] = "X-Forwarded-For",
        }));

        Assert.Contains("need the upstream's networks", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Sends a request with forged forwarding headers through a gateway that trusts <paramref name="network"/> for
    /// X-Forwarded-For and hop records; returns the header lines the backend received.
    /// </summary>
    private static async Task<string[]> ForwardedHeadersAsync(string network)
    {
        await using var backend = await EchoBackend.StartAsync();
        await using var gateway = await InProcessGateway.StartAsync(_ => new(backend.Route())
        {
            ["Gateway:TrustedUpstreamNetworks:0"] = network,
            ["Gateway:TrustedUpstreamHeaders:0"] = "X-Forwarded-For",
            ["Gateway:TrustedUpstreamHeaders:1"] = HopRecord.HeaderName,
        });
        using var client = gateway.CreateHttp2Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, gateway.Uri(EchoBackend.HeadersPath));
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "203.0.113.7");
        request.Headers.TryAddWithoutValidation(HopRecord.HeaderName, ForgedHop);
        request.Headers.TryAddWithoutValidation("X-Real-IP", "203.0.113.8");
        request.Headers.TryAddWithoutValidation("Forwarded", "for=203.0.113.9");

        using var response = await client.SendAsync(request).WaitAsync(InProcessGateway.Timeout);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsStringAsync().WaitAsync(InProcessGateway.Timeout);
        return body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
