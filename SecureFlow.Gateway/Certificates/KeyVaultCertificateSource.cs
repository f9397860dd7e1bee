using System.Security.Cryptography.X509Certificates;
using Azure.Security.KeyVault.Certificates;
using Microsoft.Extensions.Options;
using SecureFlow.Gateway.Configuration;
using SecureFlow.ServiceDefaults.Hops;

namespace SecureFlow.Gateway.Certificates;

/// <summary>
/// Downloads the gateway's certificates (the latest version, with the private key) from Key Vault with the gateway's
/// own identity, as Application Gateway does with its listener's <c>keyVaultSecretId</c>. Entries that name files
/// (a CSI mount) are read from the files. It records the version it downloaded, which the hop record names.
/// </summary>
internal sealed class KeyVaultCertificateSource(IOptions<GatewayOptions> options, CertificateClient client, CertificateVersions versions) : IServerCertificateSource
{
    public IReadOnlyList<X509Certificate2> LoadCertificates() =>
        [.. options.Value.Certificates.Select(entry => entry.Value.FromKeyVault ? Download(entry.Key) : FileCertificateSource.Load(entry.Key, entry.Value))];

    private X509Certificate2 Download(string name)
    {
        // The latest version, then that version with its key: the version served is the one named.
        var version = client.GetCertificate(name).Value.Properties.Version;
        using var downloaded = client.DownloadCertificate(name, version).Value;
        versions.Record(downloaded.Thumbprint, version);

        // A PKCS#12 round trip gives the key a form every platform's TLS stack accepts (Windows needs it).
        return X509CertificateLoader.LoadPkcs12(downloaded.Export(X509ContentType.Pkcs12), password: null);
    }
}
