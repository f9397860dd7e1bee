using System.Collections.Concurrent;

namespace SecureFlow.ServiceDefaults.Hops;

/// <summary>
/// The Key Vault version of each certificate this service has downloaded, by thumbprint, so that a hop record can name
/// the version its handshake presented. Certificates read from files (the CSI mount in AKS) have no version here.
/// </summary>
public sealed class CertificateVersions
{
    private readonly ConcurrentDictionary<string, string> _versions = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Records that the certificate with <paramref name="thumbprint"/> is version <paramref name="version"/> in the vault.</summary>
    public void Record(string thumbprint, string version)
    {
        ArgumentException.ThrowIfNullOrEmpty(thumbprint);
        ArgumentException.ThrowIfNullOrEmpty(version);
        _versions[thumbprint] = version;
    }

    /// <summary>The vault version of the certificate with <paramref name="thumbprint"/>, or null when it did not come from the vault.</summary>
    public string? VersionOf(string thumbprint) => _versions.GetValueOrDefault(thumbprint);
}
