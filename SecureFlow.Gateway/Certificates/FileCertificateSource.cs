using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using SecureFlow.Gateway.Configuration;

namespace SecureFlow.Gateway.Certificates;

/// <summary>Reads PEM certificate and key files, as mounted by the Secrets Store CSI driver in AKS.</summary>
internal sealed class FileCertificateSource(IOptions<GatewayOptions> options) : IServerCertificateSource
{
    public IReadOnlyList<X509Certificate2> LoadCertificates()
    {
        var gateway = options.Value;
        if (gateway.Certificates.Count == 0)
        {
            throw new InvalidOperationException(
                $"Gateway '{gateway.Name}' has no certificate: set Gateway:Certificates:<name>:CertificatePath and KeyPath.");
        }

        return [.. gateway.Certificates.Select(entry => Load(entry.Key, entry.Value))];
    }

    internal static X509Certificate2 Load(string name, GatewayCertificateOptions files)
    {
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(files.CertificatePath, files.KeyPath);

            // A PKCS#12 round trip gives the key a form every platform's TLS stack accepts (Windows needs it).
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
        }
        catch (Exception exception) when (exception is IOException or CryptographicException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"Certificate '{name}' could not be loaded from '{files.CertificatePath}' and '{files.KeyPath}': {exception.Message}",
                exception);
        }
    }
}
