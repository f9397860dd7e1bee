using System.Net;

namespace SecureFlow.Contracts.Gateways;

/// <summary>The one check of a gateway's options, run at the gateway's start (and on what the publisher writes).</summary>
public sealed class GatewayOptionsValidator : ServiceOptionsValidator<GatewayOptions>
{
    public static GatewayOptionsValidator Instance { get; } = new();

    protected override void Check(GatewayOptions options, ValidationFailures failures)
    {
        var gateway = options.Name;
        failures.Require(!string.IsNullOrWhiteSpace(gateway), "Gateway: the hop needs a name (Gateway:Name).");
        failures.Require(options.Https.Port is > 0 and <= IPEndPoint.MaxPort, $"Gateway '{gateway}': set Gateway:Https:Port to the port of its TLS listener.");
        failures.Require(string.Equals(options.Https.Address, "localhost", StringComparison.OrdinalIgnoreCase) || IPAddress.TryParse(options.Https.Address, out _),
            $"Gateway '{gateway}': the listener address '{options.Https.Address}' is neither localhost nor an IP address.");
        failures.Require(options.Https.HandshakeTimeout > TimeSpan.Zero, $"Gateway '{gateway}': the handshake timeout must be positive.");
        failures.Require(options.Certificates.Count > 0, $"Gateway '{gateway}' has no certificate: a listener without one refuses every handshake.");
        foreach (var (certificate, source) in options.Certificates)
        {
            failures.Require(source.FromKeyVault != (source.CertificatePath.Length > 0 && source.KeyPath.Length > 0),
                $"Gateway '{gateway}': certificate '{certificate}' needs either FromKeyVault or both CertificatePath and KeyPath.");
        }

        failures.Require(options.HstsMaxAge is null || options.HstsMaxAge > TimeSpan.Zero, $"Gateway '{gateway}': the HSTS max-age must be positive.");
        failures.Require(options.CertificateRefreshInterval > TimeSpan.Zero,
            $"Gateway '{gateway}': the certificate refresh interval must be positive, not {options.CertificateRefreshInterval}.");
        failures.Require(options.ClientIdentityHeaders.All(header => header.Length > 0 && header.All(IsTokenChar)),
            $"Gateway '{gateway}': client identity headers must be header names.");
        foreach (var header in HopHeaders.SetByGateway)
        {
            failures.Require(options.ClientIdentityHeaders.Contains(header, StringComparer.OrdinalIgnoreCase),
                $"Gateway '{gateway}': '{header}' must be one of its client identity headers: the gateway appends to it, so a value a client sent would pass as the gateway's.");
        }

        foreach (var network in options.TrustedUpstreamNetworks)
        {
            // Strict: a base address with host bits set ("10.240.5.1/24") says something other than the network it parses as.
            failures.Require(IPNetwork.TryParse(network, out var parsed) && string.Equals(parsed.ToString(), network, StringComparison.OrdinalIgnoreCase),
                $"Gateway '{gateway}': trusted upstream network '{network}' is not a network in CIDR form such as 10.240.5.0/24.");
        }

        foreach (var header in options.TrustedUpstreamHeaders)
        {
            failures.Require(options.ClientIdentityHeaders.Contains(header, StringComparer.OrdinalIgnoreCase),
                $"Gateway '{gateway}': trusted upstream header '{header}' is not one of its client identity headers, which are the only headers trust applies to.");
        }

        failures.Require(options.TrustedUpstreamHeaders.Count == 0 || options.TrustedUpstreamNetworks.Count > 0,
            $"Gateway '{gateway}': trusted upstream headers need the upstream's networks (Gateway:TrustedUpstreamNetworks); without them no client is trusted.");
        foreach (var (route, target) in options.Routes)
        {
            failures.Require(target.Hosts.Count > 0, $"Gateway '{gateway}': route '{route}' matches no host.");
            failures.Require(Uri.TryCreate(target.Destination, UriKind.Absolute, out var destination) && destination.Scheme is "https" or "http",
                $"Gateway '{gateway}': route '{route}' needs an http or https destination, not '{target.Destination}'.");
            failures.Require(target.TrustedRootCertificatePath is null || target.TrustedRootSecretName is null,
                $"Gateway '{gateway}': route '{route}' names two trusted roots; name one.");
        }

    }

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '-';
}
