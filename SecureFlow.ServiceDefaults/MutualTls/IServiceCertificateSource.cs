using System.Security.Cryptography.X509Certificates;

namespace SecureFlow.ServiceDefaults.MutualTls;

/// <summary>Where the service's certificate (with its key) and the internal root come from: Key Vault or the CSI mount's files.</summary>
public interface IServiceCertificateSource
{
    /// <summary>Reads both; fails with a message naming what could not be read.</summary>
    (X509Certificate2 Certificate, X509Certificate2 Root) Load();
}
