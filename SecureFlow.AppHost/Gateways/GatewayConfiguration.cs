using SecureFlow.AppHost.Configuration;
using SecureFlow.AppHost.KeyVault;
using SecureFlow.AppHost.Networking;
using SecureFlow.Contracts;
using SecureFlow.Contracts.Gateways;

namespace SecureFlow.AppHost.Gateways;

/// <summary>
/// The model of one gateway as the options SecureFlow.Gateway binds (<see cref="GatewayOptions"/>, the TLS policy, the
/// WAF). Run mode writes them into the local process's environment; publish mode into the gateway's Kubernetes
/// Deployment, with the certificate files where the CSI driver mounts them.
/// </summary>
internal static class GatewayConfiguration
{
    /// <param name="gateway">The gateway resource.</param>
    /// <param name="environment">Receives the variables.</param>
    /// <param name="filesOf">Where a certificate's PEM files are (issued locally, or mounted from Key Vault by the CSI
    /// driver), or null when the gateway reads the certificate from Key Vault itself.</param>
    /// <param name="hostName">A model host name as the target environment spells it.</param>
    /// <param name="upstream">Where the gateway's trusted upstream hop (if the model gives it one) connects from in the
    /// target, and the headers it sets there.</param>
    /// <param name="listener">The TLS listener's address and port where the target fixes them (a pod); run mode leaves
    /// the port to Aspire's endpoint allocation.</param>
    public static void Write(
        GatewayResource gateway,
        IDictionary<string, object> environment,
        Func<CertificateResource, IssuedCertificateFiles?> filesOf,
        Func<string, string> hostName,
        UpstreamHop upstream,
        GatewayListenerOptions? listener = null)
    {
        var options = new GatewayOptions
        {
            Name = gateway.Name,
            Https = listener ?? new(),
            HstsMaxAge = gateway.HstsMaxAge,
            ClientIdentityHeaders = [.. ClientIdentityHeaders.All],
        };
        options.Https.Http2 = gateway.Http2;
        if (gateway.TrustedUpstream is not null)
        {
            options.TrustedUpstreamNetworks = [.. upstream.Networks];
            options.TrustedUpstreamHeaders = [.. upstream.Headers];
        }

        foreach (var certificate in gateway.Certificates)
        {
            if (filesOf(certificate) is { } files)
            {
                options.Certificates[certificate.Name] = new() { CertificatePath = files.CertificatePath, KeyPath = files.KeyPath };
                continue;
            }

            var vault = certificate.Vault ?? throw new InvalidOperationException($"Certificate '{certificate.Name}' has neither files nor a vault.");
            options.Certificates[certificate.Name] = new() { FromKeyVault = true };
            options.CertificateRefreshInterval = vault.CertificateRefreshInterval;
            KeyVaultClientConfiguration.Write(vault, gateway.Name, environment);
        }

        foreach (var route in gateway.Routes)
        {
            // Resolved by service discovery from the destination's endpoint of that scheme (in Kubernetes: its Service).
            var target = new GatewayRouteOptions
            {
                Hosts = [.. route.MatchHosts.Select(hostName)],
                Destination = ServiceGraph.DestinationOf(route.Destination, route.Scheme),
                DestinationHost = route.DestinationHost is { } host ? hostName(host) : null,
            };
            if (route.DestinationCertificate is { } certificate)
            {
                if (filesOf(certificate) is { } files)
                {
                    target.TrustedRootCertificatePath = files.IssuerCertificatePath;
                }
                else
                {
                    target.TrustedRootSecretName = certificate.TrustRootSecretName;
                }
            }

            options.Routes[route.Name] = target;
        }

        // Where the listener is known (a pod), the whole options are checked as the gateway will check them at start.
        ServiceConfiguration.Write(environment, listener is null ? options : GatewayOptionsValidator.Instance.ThrowIfInvalid(options));
        ServiceConfiguration.Write(environment, gateway.TlsPolicy.ToOptions());
        if (gateway is ApplicationGatewayResource { WafPolicy: { } waf })
        {
            ServiceConfiguration.Write(environment, waf.ToOptions());
        }
    }
}
