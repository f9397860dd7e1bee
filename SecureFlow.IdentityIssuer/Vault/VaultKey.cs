using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecureFlow.IdentityIssuer.Vault;

/// <summary>A Key Vault RSA key's public part: what the issuer knows of the root key. The private part stays in the vault.</summary>
internal sealed record VaultKey(Uri Id, RSAParameters PublicParameters, DateTimeOffset Created)
{
    /// <summary>The key's SubjectPublicKeyInfo, for a certificate request.</summary>
    public PublicKey PublicKey()
    {
        using var rsa = RSA.Create(PublicParameters);
        return new PublicKey(rsa);
    }
}
