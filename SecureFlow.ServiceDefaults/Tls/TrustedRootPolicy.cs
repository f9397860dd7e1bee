using System.Security.Cryptography.X509Certificates;

namespace SecureFlow.ServiceDefaults.Tls;

/// <summary>
/// Certificate validation that trusts exactly one root, as Application Gateway's <c>trustedRootCertificates</c> do:
/// the system store is not consulted, and the host name is still checked by the TLS client.
/// </summary>
public static class TrustedRootPolicy
{
    public static X509ChainPolicy TrustingOnly(X509Certificate2 root)
    {
        ArgumentNullException.ThrowIfNull(root);

        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,

            // The local CA publishes no revocation list; Application Gateway does not check backend revocation either.
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.Add(root);
        return policy;
    }
}
