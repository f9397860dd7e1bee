using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SecureFlow.IdentityIssuer.Vault;

namespace SecureFlow.IdentityIssuer.Issuing;

/// <summary>
/// Signs certificates with a Key Vault key: .NET builds the certificate's to-be-signed part, this hashes it and asks the
/// vault to sign the digest (RS256). The root's private key never leaves the vault.
/// </summary>
internal sealed class VaultKeySignatureGenerator(VaultKeyClient keys, VaultKey key) : X509SignatureGenerator
{
    /// <summary>sha256WithRSAEncryption (RFC 4055): the algorithm of RS256.</summary>
    private const string Sha256WithRsa = "1.2.840.113549.1.1.11";

    public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm)
    {
        RequireSha256(hashAlgorithm);
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(Sha256WithRsa);
            writer.WriteNull();
        }

        return writer.Encode();
    }

    public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm)
    {
        RequireSha256(hashAlgorithm);
        return keys.Sign(key.Id, "RS256", SHA256.HashData(data));
    }

    protected override PublicKey BuildPublicKey() => key.PublicKey();

    private static void RequireSha256(HashAlgorithmName hashAlgorithm)
    {
        if (hashAlgorithm != HashAlgorithmName.SHA256)
        {
            throw new ArgumentException($"The vault signs RS256 only, not {hashAlgorithm}.", nameof(hashAlgorithm));
        }
    }
}
