using System.Security.Cryptography.X509Certificates;
using Azure.Security.KeyVault.Certificates;
using Microsoft.Extensions.Options;
using SecureFlow.Gateway.Configuration;

namespace SecureFlow.Gateway.Certificates;

/// <summary>
/// Downloads the gateway's certificates (the latest version, with the private key) from Key Vault with the gateway's
/// own identity, as Application Gateway does with its listener's <c>keyVaultSecretId</c>. Entries that name files
/// (a CSI mount) are read from the files.
/// </summary>
internal sealed class KeyVaultCertificateSource(IOptions<GatewayOptions> options, CertificateClient client) : IServerCertificateSource
{
    public IReadOnlyList<X509Certificate2> LoadCertificates() =>
        [.. options.Value.Certificates.Select(entry => entry.Value.FromKeyVault ? Download(entry.Key) : FileCertificateSource.Load(entry.Key, entry.Value))];

    private X509Certificate2 Download(string name)
    {
        using var downloaded = client.DownloadCertificate(name).Value;

        // A PKCS#12 round trip gives the key a form every platform's TLS stack accepts (Windows needs it).
        return X509CertificateLoader.LoadPkcs12(downloaded.Export(X509ContentType.Pkcs12), password: null);
    }
}
