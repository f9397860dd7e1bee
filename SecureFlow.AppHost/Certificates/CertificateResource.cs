namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A TLS server certificate in the app model: its name and the DNS names it covers. In run mode the local
/// development CA issues it at start and writes it as PEM files (<see cref="Files"/>), the shape a CSI mount has;
/// a certificate of a <see cref="Vault"/> is then imported into that vault, where the gateways read it.
/// </summary>
public sealed class CertificateResource(string name, IReadOnlyList<string> dnsNames) : Resource(name)
{
    public IReadOnlyList<string> DnsNames { get; } = dnsNames;

    /// <summary>
    /// The service identity the certificate carries for mutual TLS (a SPIFFE URI SAN, <c>WithServiceCertificate</c>), or
    /// null for a certificate that only serves host names.
    /// </summary>
    public Uri? SpiffeId { get; internal set; }

    /// <summary>The vault that holds the certificate (and the root it chains to), or null for files only.</summary>
    public KeyVaultResource? Vault { get; internal set; }

    /// <summary>The vault secret that holds the root this certificate chains to: what a client of its hop trusts.</summary>
    public string TrustRootSecretName => Name + "-root";

    /// <summary>The issued certificate's files; set when the app starts in run mode.</summary>
    public IssuedCertificateFiles? Files { get; internal set; }

    /// <summary>Whether one of <see cref="DnsNames"/> covers <paramref name="hostName"/> (a wildcard covers one label).</summary>
    public bool Covers(string hostName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(hostName);
        return DnsNames.Any(name => name.StartsWith("*.", StringComparison.Ordinal)
            ? hostName.IndexOf('.', StringComparison.Ordinal) is var dot and > 0
                && string.Equals(hostName[(dot + 1)..], name[2..], StringComparison.OrdinalIgnoreCase)
            : string.Equals(hostName, name, StringComparison.OrdinalIgnoreCase));
    }

    internal IssuedCertificateFiles RequireFiles() => Files ?? throw new InvalidOperationException(
        $"Certificate '{Name}' has not been issued yet: it is issued when the app starts in run mode.");
}

/// <summary>Where an issued certificate lives: PEM certificate, PEM private key and the root it chains to.</summary>
public sealed record IssuedCertificateFiles(string CertificatePath, string KeyPath, string IssuerCertificatePath);
