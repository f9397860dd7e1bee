using System.Diagnostics;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using SecureFlow.Gateway.Tls;

namespace SecureFlow.Gateway.Certificates;

/// <summary>
/// Chooses the server certificate for a handshake by its SNI name. There is no default certificate: a handshake
/// without SNI, or for a name no certificate covers, gets none and is refused.
/// </summary>
public sealed class SniCertificateSelector : IDisposable
{
    private readonly List<(List<Entry> Entries, long RetiredAt)> _retired = [];
    private volatile List<Entry> _certificates = [];

    public SniCertificateSelector(IServerCertificateSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Replace(source.LoadCertificates());
    }

    /// <summary>The DNS names the gateway serves, from the certificates' subject alternative names.</summary>
    public IEnumerable<string> HostNames => _certificates.SelectMany(entry => DnsNames(entry.Certificate));

    /// <summary>The thumbprints of the certificates served now.</summary>
    public IEnumerable<string> Thumbprints => _certificates.Select(entry => entry.Certificate.Thumbprint);

    /// <summary>
    /// Serves <paramref name="certificates"/> to every handshake from now on, and takes ownership of them. Certificates
    /// that would take the listener down are refused (and disposed) with the reason, and the current ones stay served:
    /// one without its private key, one outside its validity period, or a set that no longer covers every name served now.
    /// </summary>
    /// <exception cref="InvalidOperationException">The certificates cannot be served; the message says why.</exception>
    public void Replace(IReadOnlyList<X509Certificate2> certificates)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        if (Refusal(certificates, [.. HostNames]) is { } refusal)
        {
            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }

            throw new InvalidOperationException(refusal);
        }

        var entries = certificates.Select(certificate =>
            new Entry(certificate, SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true))).ToList();
        lock (_retired)
        {
            if (_certificates.Count > 0)
            {
                _retired.Add((_certificates, Stopwatch.GetTimestamp()));
            }

            _certificates = entries;
        }
    }

    /// <summary>
    /// Disposes the certificates replaced more than <paramref name="olderThan"/> ago. A handshake picks its certificate
    /// when its ClientHello has been read and uses it until the handshake ends, so a replaced certificate is kept for
    /// longer than a handshake may take; a connection already established no longer needs it (OpenSSL holds its own
    /// references to what the session uses).
    /// </summary>
    public void DisposeRetired(TimeSpan olderThan)
    {
        lock (_retired)
        {
            _retired.RemoveAll(retired =>
            {
                if (Stopwatch.GetElapsedTime(retired.RetiredAt) < olderThan)
                {
                    return false;
                }

                Dispose(retired.Entries);
                return true;
            });
        }
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

    public void Dispose()
    {
        lock (_retired)
        {
            _retired.ForEach(retired => Dispose(retired.Entries));
            _retired.Clear();
            Dispose(_certificates);
            _certificates = [];
        }
    }

    private static string? Refusal(IReadOnlyList<X509Certificate2> certificates, IReadOnlyList<string> servedNames)
    {
        var now = DateTime.Now;
        foreach (var certificate in certificates)
        {
            var name = $"'{certificate.Subject}' (thumbprint {certificate.Thumbprint})";
            if (!certificate.HasPrivateKey)
            {
                return $"Certificate {name} has no private key: a TLS listener cannot use it.";
            }

            if (now < certificate.NotBefore || now > certificate.NotAfter)
            {
                return $"Certificate {name} is not valid now (valid from {certificate.NotBefore:O} to {certificate.NotAfter:O}).";
            }
        }

        var uncovered = servedNames.Where(served => !certificates.Any(certificate => Covers(certificate, served))).ToList();
        return uncovered.Count == 0
            ? null
            : $"The new certificates do not cover {string.Join(", ", uncovered)}, which the listener serves now: handshakes for them would fail.";
    }

    /// <summary>A wildcard name is covered only by the same wildcard; a host name by any certificate that matches it.</summary>
    private static bool Covers(X509Certificate2 certificate, string name) =>
        DnsNames(certificate).Contains(name, StringComparer.OrdinalIgnoreCase)
        || SniHostName.IsValid(name) && certificate.MatchesHostname(name, allowWildcards: true, allowCommonName: false);

    private static IEnumerable<string> DnsNames(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(san => san.EnumerateDnsNames());

    private static void Dispose(List<Entry> entries)
    {
        foreach (var (certificate, context) in entries)
        {
            foreach (var intermediate in context.IntermediateCertificates)
            {
                intermediate.Dispose();
            }

            context.TargetCertificate.Dispose();
            certificate.Dispose();
        }
    }

    private readonly record struct Entry(X509Certificate2 Certificate, SslStreamCertificateContext Context);
}
