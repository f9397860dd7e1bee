using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure;
using Azure.Security.KeyVault.Certificates;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SecureFlow.Contracts.MutualTls;
using SecureFlow.ServiceDefaults.Hops;

namespace SecureFlow.ServiceDefaults.MutualTls;

/// <summary>
/// Reads the service's certificate with the service's own identity: the latest version from Key Vault (locally, and
/// wherever the service reads the vault itself), or the PEM files the Secrets Store CSI driver mounts in AKS.
/// </summary>
internal sealed class ServiceCertificateSource(IOptions<MutualTlsOptions> options, IServiceProvider services) : IServiceCertificateSource
{
    public (X509Certificate2 Certificate, X509Certificate2 Root) Load()
    {
        var tls = options.Value;
        try
        {
            var certificate = tls.CertificateName is { Length: > 0 } name
                ? Pkcs12RoundTrip(Download(name))
                : Pkcs12RoundTrip(X509Certificate2.CreateFromPemFile(tls.CertificatePath!, tls.KeyPath));
            var root = tls.TrustedRootSecretName is { Length: > 0 } rootName
                ? X509Certificate2.CreateFromPem(Vault<SecretClient>(rootName).GetSecret(rootName).Value.Value)
                : LastCertificateIn(tls.TrustedRootPath!);
            return (certificate, root);
        }
        catch (Exception exception) when (exception is RequestFailedException or CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"The service certificate of '{tls.SpiffeId}' could not be read ({tls.CertificateName ?? tls.CertificatePath}): {exception.Message}", exception);
        }
    }

    /// <summary>The latest version, then that version with its key, recorded so that the hop record names the version served.</summary>
    private X509Certificate2 Download(string name)
    {
        var client = Vault<CertificateClient>(name);
        var version = client.GetCertificate(name).Value.Properties.Version;
        var certificate = client.DownloadCertificate(name, version).Value;
        services.GetRequiredService<CertificateVersions>().Record(certificate.Thumbprint, version);
        return certificate;
    }

    private TClient Vault<TClient>(string name) where TClient : class =>
        services.GetService<TClient>() ?? throw new InvalidOperationException($"'{name}' is in Key Vault, but this service has no vault: set KeyVault:Uri.");

    /// <summary>The root: the last certificate of a PEM file (the CSI mount holds key, certificate, then root in one file).</summary>
    private static X509Certificate2 LastCertificateIn(string path)
    {
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPemFile(path);
        if (certificates.Count == 0)
        {
            throw new CryptographicException($"'{path}' holds no certificate.");
        }

        foreach (var other in certificates.Take(certificates.Count - 1))
        {
            other.Dispose();
        }

        return certificates[^1];
    }

    /// <summary>A PKCS#12 round trip gives the key a form every platform's TLS stack accepts (Windows needs it).</summary>
    private static X509Certificate2 Pkcs12RoundTrip(X509Certificate2 certificate)
    {
        using (certificate)
        {
            return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
        }
    }
}
