using System.Globalization;
using SecureFlow.ServiceDefaults.Tls;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The model of one gateway, projected into the configuration SecureFlow.Gateway reads (sections Gateway, Tls, Waf
/// and ReverseProxy) as environment variables. Run mode hands it to the local process; publish mode writes the same keys
/// into the gateway's Kubernetes Deployment, with the certificate files where the CSI driver mounts them.
/// </summary>
internal static class GatewayConfiguration
{
    /// <param name="gateway">The gateway resource.</param>
    /// <param name="environment">Receives the variables, in a stable order.</param>
    /// <param name="filesOf">Where a certificate's PEM files are (issued locally, or mounted from Key Vault by the CSI
    /// driver), or null when the gateway reads the certificate from Key Vault itself.</param>
    /// <param name="hostName">A model host name as the target environment spells it.</param>
    public static void Write(
        GatewayResource gateway, IDictionary<string, object> environment, Func<CertificateResource, IssuedCertificateFiles?> filesOf, Func<string, string> hostName)
    {
        environment["Gateway__Name"] = gateway.Name;
        environment["Gateway__Hsts"] = gateway.SendsHsts.ToString();
        environment["Gateway__TrustUpstreamHops"] = gateway.TrustsUpstreamHops.ToString();

        var tls = gateway.TlsPolicy.ToOptions();
        environment[$"{TlsPolicyOptions.SectionName}__MinimumProtocol"] = tls.MinimumProtocol;
        for (var i = 0; i < tls.CipherSuites.Count; i++)
        {
            environment[Key(TlsPolicyOptions.SectionName, "CipherSuites", i)] = tls.CipherSuites[i];
        }

        if (gateway is ApplicationGatewayResource { WafPolicy: { } waf })
        {
            foreach (var (key, value) in waf.ToEnvironment())
            {
                environment[key] = value;
            }
        }

        foreach (var certificate in gateway.Certificates)
        {
            if (filesOf(certificate) is { } files)
            {
                environment[$"Gateway__Certificates__{certificate.Name}__CertificatePath"] = files.CertificatePath;
                environment[$"Gateway__Certificates__{certificate.Name}__KeyPath"] = files.KeyPath;
            }
            else
            {
                var vault = certificate.Vault ?? throw new InvalidOperationException($"Certificate '{certificate.Name}' has neither files nor a vault.");
                environment[$"Gateway__Certificates__{certificate.Name}__FromKeyVault"] = bool.TrueString;
                environment["Gateway__CertificateRefreshInterval"] = vault.CertificateRefreshInterval.ToString("c", CultureInfo.InvariantCulture);
                KeyVaultResourceExtensions.WriteClientConfiguration(vault, gateway.Name, environment);
            }
        }

        foreach (var route in gateway.Routes)
        {
            var routeKey = $"ReverseProxy__Routes__{route.Name}";
            environment[$"{routeKey}__ClusterId"] = route.Name;
            environment[$"{routeKey}__Match__Path"] = "{**catch-all}";
            for (var i = 0; i < route.MatchHosts.Count; i++)
            {
                environment[Key(routeKey, "Match__Hosts", i)] = hostName(route.MatchHosts[i]);
            }

            var clusterKey = $"ReverseProxy__Clusters__{route.Name}";
            var destinationKey = $"{clusterKey}__Destinations__{route.Destination.Name}";

            // Resolved by service discovery from the destination's endpoint of that scheme (in Kubernetes: its Service).
            environment[$"{destinationKey}__Address"] = $"{route.Scheme}://{route.Destination.Name}";
            if (route.DestinationHost is { } host)
            {
                environment[$"{destinationKey}__Host"] = hostName(host);
            }

            if (route.DestinationCertificate is { } certificate)
            {
                if (filesOf(certificate) is { } files)
                {
                    environment[$"{clusterKey}__Metadata__TrustedRootCertificatePath"] = files.IssuerCertificatePath;
                }
                else
                {
                    environment[$"{clusterKey}__Metadata__TrustedRootSecretName"] = certificate.TrustRootSecretName;
                }
            }
        }
    }

    private static string Key(string prefix, string name, int index) => string.Create(CultureInfo.InvariantCulture, $"{prefix}__{name}__{index}");
}
