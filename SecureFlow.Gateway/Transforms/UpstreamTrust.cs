using System.Net;
using SecureFlow.Contracts.Gateways;

namespace SecureFlow.Gateway.Transforms;

/// <summary>
/// Which client identity headers a request's connection may carry past this hop: those the trusted upstream hop sets,
/// when the connection comes from its networks; none otherwise.
/// </summary>
internal sealed class UpstreamTrust(GatewayOptions options)
{
    private readonly IPNetwork[] _networks = [.. options.TrustedUpstreamNetworks.Select(network => IPNetwork.Parse(network))];

    private readonly string[] _allHeaders = [.. options.ClientIdentityHeaders];

    private readonly string[] _untrustedHeaders =
        [.. options.ClientIdentityHeaders.Where(header => !options.TrustedUpstreamHeaders.Contains(header, StringComparer.OrdinalIgnoreCase))];

    /// <summary>Whether a connection from <paramref name="remote"/> comes from the trusted upstream hop.</summary>
    private bool Trusts(IPAddress? remote)
    {
        if (remote is null)
        {
            return false;
        }

        // A dual-stack listener sees an IPv4 client as ::ffff:a.b.c.d.
        var address = remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote;
        return _networks.Any(network => network.Contains(address));
    }

    /// <summary>The headers to drop from a request whose connection comes from <paramref name="remote"/>.</summary>
    public IReadOnlyList<string> HeadersToDrop(IPAddress? remote) => Trusts(remote) ? _untrustedHeaders : _allHeaders;
}
