using System.Security.Cryptography.X509Certificates;

namespace SecureFlow.Gateway.Certificates;

/// <summary>Where a gateway's server certificates (with their private keys) come from.</summary>
public interface IServerCertificateSource
{
    /// <summary>Loads every certificate; fails with a message naming what could not be loaded.</summary>
    IReadOnlyList<X509Certificate2> LoadCertificates();
}
