using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using SecureFlow.Contracts.MutualTls;

namespace SecureFlow.ServiceDefaults.MutualTls;

/// <summary>
/// The service's own certificate (its SPIFFE identity, with the key) and the internal root its peers must chain to, as
/// served now. A refresh swaps in a new pair for new connections only; one that would break the service (no key, not
/// valid now, another identity, not issued by the root) is refused and the current pair stays.
/// </summary>
public sealed class ServiceCertificate : IDisposable
{
    private readonly string _identity;
    private readonly List<(Material Material, DateTimeOffset RetiredAt)> _retired = [];
    private volatile Material _current;

    public ServiceCertificate(IServiceCertificateSource source, IOptions<MutualTlsOptions> options)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);

        _identity = options.Value.SpiffeId;
        var (certificate, root) = source.Load();
        _current = Check(certificate, root, _identity) is { } refusal ? throw new InvalidOperationException(refusal) : new Material(certificate, root);
    }

    /// <summary>Who this service is (its certificate's SPIFFE id).</summary>
    public string Identity => _identity;

    public X509Certificate2 Certificate => _current.Certificate;

    /// <summary>The one trust anchor for peers' certificates.</summary>
    public X509Certificate2 TrustAnchor => _current.Root;

    /// <summary>The certificate as a TLS server sends it.</summary>
    public SslStreamCertificateContext Context => _current.Context;

    /// <summary>Takes ownership of the pair and serves it to new connections, or refuses it with the reason (and disposes it).</summary>
    /// <returns>True when the pair differs from the current one and now replaces it.</returns>
    public bool Replace(X509Certificate2 certificate, X509Certificate2 root)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(root);

        var current = _current;
        if (certificate.Thumbprint == current.Certificate.Thumbprint && root.Thumbprint == current.Root.Thumbprint)
        {
            certificate.Dispose();
            root.Dispose();
            return false;
        }

        if (Check(certificate, root, _identity) is { } refusal)
        {
            certificate.Dispose();
            root.Dispose();
            throw new InvalidOperationException(refusal);
        }

        lock (_retired)
        {
            // Replaced pairs are disposed a while later: a handshake that already picked one may still be using it.
            _retired.Add((current, DateTimeOffset.UtcNow));
            _current = new Material(certificate, root);
            _retired.RemoveAll(retired =>
            {
                var expired = DateTimeOffset.UtcNow - retired.RetiredAt > TimeSpan.FromMinutes(2);
                if (expired)
                {
                    retired.Material.Dispose();
                }

                return expired;
            });
        }

        return true;
    }

    public void Dispose()
    {
        lock (_retired)
        {
            _retired.ForEach(retired => retired.Material.Dispose());
            _retired.Clear();
            _current.Dispose();
        }
    }

    private static string? Check(X509Certificate2 certificate, X509Certificate2 root, string identity)
    {
        var name = $"'{certificate.Subject}' (thumbprint {certificate.Thumbprint})";
        var now = DateTime.Now;
        if (!certificate.HasPrivateKey)
        {
            return $"Service certificate {name} has no private key: the service cannot prove who it is with it.";
        }

        if (now < certificate.NotBefore || now > certificate.NotAfter)
        {
            return $"Service certificate {name} is not valid now (valid from {certificate.NotBefore:O} to {certificate.NotAfter:O}).";
        }

        if (ServiceCertificateIdentity.Of(certificate) != identity)
        {
            return $"Service certificate {name} carries the identity '{ServiceCertificateIdentity.Of(certificate) ?? "none"}', not this service's '{identity}'.";
        }

        var (_, refusal) = PeerCertificateValidator.Validate(certificate, root, peerIsClient: true);
        return refusal is null ? null : $"Service certificate {name} does not chain to the internal root '{root.Subject}' as a client certificate ({refusal}).";
    }

    private sealed class Material(X509Certificate2 certificate, X509Certificate2 root) : IDisposable
    {
        public X509Certificate2 Certificate { get; } = certificate;

        public X509Certificate2 Root { get; } = root;

        public SslStreamCertificateContext Context { get; } = SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true);

        public void Dispose()
        {
            Context.TargetCertificate.Dispose();
            Certificate.Dispose();
            Root.Dispose();
        }
    }
}
