using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using SecureFlow.KeyVaultEmulator.Apis;

namespace SecureFlow.KeyVaultEmulator.Keys;

/// <summary>
/// A key pair the vault made and keeps: its public part as a JSON Web Key, and the operations the vault performs with
/// the private part. The private part is only ever read by <see cref="Sign"/> and the vault's own store.
/// </summary>
public static class VaultKeyMaterial
{
    public const string Rsa = "RSA";
    public const string Ec = "EC";

    /// <summary>A new key pair for <paramref name="kty"/> (RSA 2048/3072/4096 or EC P-256/P-384), as PKCS#8 base64.</summary>
    public static string Generate(string kty, int? keySize, string? curve)
    {
        switch (kty)
        {
            case Rsa:
                var size = keySize ?? 2048;
                if (size is not (2048 or 3072 or 4096))
                {
                    throw new BadInputException("key_size must be 2048, 3072 or 4096.");
                }

                using (var rsa = RSA.Create(size))
                {
                    return Convert.ToBase64String(rsa.ExportPkcs8PrivateKey());
                }

            case Ec:
                var named = (curve ?? "P-256") switch
                {
                    "P-256" => ECCurve.NamedCurves.nistP256,
                    "P-384" => ECCurve.NamedCurves.nistP384,
                    _ => throw new BadInputException("crv must be P-256 or P-384."),
                };
                using (var ec = ECDsa.Create(named))
                {
                    return Convert.ToBase64String(ec.ExportPkcs8PrivateKey());
                }

            default:
                throw new BadInputException($"kty '{kty}' is not supported by the local vault: use RSA or EC.");
        }
    }

    /// <summary>The public part as Key Vault's <c>key</c> (JWK): <c>n</c>/<c>e</c> or <c>crv</c>/<c>x</c>/<c>y</c>, base64url.</summary>
    public static JsonObject PublicJwk(string kty, string privateKey, string kid, IEnumerable<string> keyOps)
    {
        var jwk = new JsonObject { ["kid"] = kid, ["kty"] = kty, ["key_ops"] = new JsonArray([.. keyOps.Select(op => JsonValue.Create(op))]) };
        if (kty == Rsa)
        {
            using var rsa = LoadRsa(privateKey);
            var parameters = rsa.ExportParameters(includePrivateParameters: false);
            jwk["n"] = Base64Url.EncodeToString(parameters.Modulus);
            jwk["e"] = Base64Url.EncodeToString(parameters.Exponent);
        }
        else
        {
            using var ec = LoadEc(privateKey);
            var parameters = ec.ExportParameters(includePrivateParameters: false);
            jwk["crv"] = parameters.Curve.Oid.FriendlyName == "nistP384" ? "P-384" : "P-256";
            jwk["x"] = Base64Url.EncodeToString(parameters.Q.X);
            jwk["y"] = Base64Url.EncodeToString(parameters.Q.Y);
        }

        return jwk;
    }

    /// <summary>
    /// Signs <paramref name="digest"/> (already hashed, as Key Vault's <c>sign</c> takes it) with <paramref name="algorithm"/>:
    /// RS256/384/512 and PS256/384/512 for RSA keys, ES256 (P-256) and ES384 (P-384) for EC keys.
    /// </summary>
    public static byte[] Sign(string kty, string privateKey, string algorithm, byte[] digest)
    {
        var (hash, length) = algorithm[2..] switch
        {
            "256" => (HashAlgorithmName.SHA256, 32),
            "384" => (HashAlgorithmName.SHA384, 48),
            "512" => (HashAlgorithmName.SHA512, 64),
            _ => throw new BadInputException($"Algorithm '{algorithm}' is not supported."),
        };
        if (digest.Length != length)
        {
            throw new BadInputException($"The digest for {algorithm} must be {length} bytes; it is {digest.Length}.");
        }

        switch (algorithm[..2])
        {
            case "RS" or "PS" when kty == Rsa:
                using (var rsa = LoadRsa(privateKey))
                {
                    return rsa.SignHash(digest, hash, algorithm[0] == 'R' ? RSASignaturePadding.Pkcs1 : RSASignaturePadding.Pss);
                }

            case "ES" when kty == Ec:
                using (var ec = LoadEc(privateKey))
                {
                    if (ec.KeySize != length * 8)
                    {
                        throw new BadInputException($"Algorithm '{algorithm}' needs a key on the matching curve.");
                    }

                    return ec.SignHash(digest, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
                }

            default:
                throw new BadInputException($"Algorithm '{algorithm}' is not supported for a {kty} key.");
        }
    }

    /// <summary>The public key (SubjectPublicKeyInfo, DER) of a stored private key, to compare with a certificate's.</summary>
    public static byte[] SubjectPublicKeyInfo(string privateKey)
    {
        using var key = Load(privateKey);
        return key.ExportSubjectPublicKeyInfo();
    }

    /// <summary>The stored private key, loaded for the vault's own use (a CSR, a merged certificate's backing secret).</summary>
    public static AsymmetricAlgorithm Load(string privateKey)
    {
        var pkcs8 = Convert.FromBase64String(privateKey);
        var rsa = RSA.Create();
        try
        {
            rsa.ImportPkcs8PrivateKey(pkcs8, out _);
            return rsa;
        }
        catch (CryptographicException)
        {
            rsa.Dispose();
        }

        var ec = ECDsa.Create();
        ec.ImportPkcs8PrivateKey(pkcs8, out _);
        return ec;
    }

    private static RSA LoadRsa(string privateKey)
    {
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(Convert.FromBase64String(privateKey), out _);
        return rsa;
    }

    private static ECDsa LoadEc(string privateKey)
    {
        var ec = ECDsa.Create();
        ec.ImportPkcs8PrivateKey(Convert.FromBase64String(privateKey), out _);
        return ec;
    }
}
