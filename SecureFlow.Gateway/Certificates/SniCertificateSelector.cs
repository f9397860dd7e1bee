using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using SecureFlow.Gateway.Tls;

namespace SecureFlow.Gateway.Certificates;

/// <summary>
/// Chooses the server certificate for a handshake by its SNI name. There is no default certificate: a handshake
/// without SNI, or for a name no certificate covers, gets none and is refused.
/// </summary>
public sealed class SniCertificateSelector
{
    private volatile IReadOnlyList<(X509Certificate2 Certificate, SslStreamCertificateContext Context)> _certificates = [];

    public SniCertificateSelector(IServerCertificateSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Replace(source.LoadCertificates());
    }

    /// <summary>The DNS names the gateway serves, from the certificates' subject alternative names.</summary>
    public IEnumerable<string> HostNames =>
        _certificates.SelectMany(entry => entry.Certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>()
            .SelectMany(san => san.EnumerateDnsNames()));

    /// <summary>The thumbprints of the certificates served now.</summary>
    public IEnumerable<string> Thumbprints => _certificates.Select(entry => entry.Certificate.Thumbprint);

    /// <summary>Serves <paramref name="certificates"/> to every handshake from now on.</summary>
    public void Replace(IReadOnlyList<X509Certificate2> certificates)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        _certificates = [.. certificates.Select(certificate =>
            (certificate, SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true)))];
    }

    /// <summary>The certificate whose subject alternative names cover <paramref name="serverName"/>, or null.</summary>
    public SslStreamCertificateContext? Select(string? serverName)
    {
        if (!SniHostName.IsValid(serverName))
        {
            return null;
        }

        foreach (var (certificate, context) in _certificates)
        {
            if (certificate.MatchesHostname(serverName, allowWildcards: true, allowCommonName: false))
            {
                return context;
            }
        }

        return null;
    }
}
