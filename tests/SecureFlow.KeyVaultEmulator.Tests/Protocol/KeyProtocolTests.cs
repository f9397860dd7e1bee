using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using SecureFlow.KeyVaultEmulator.Tests.Infrastructure;

namespace SecureFlow.KeyVaultEmulator.Tests.Protocol;

/// <summary>
/// Key Vault's keys REST API as the emulator serves it (Azure.Security.KeyVault.Keys is not on the package feed, so
/// these requests are Key Vault's documented shapes): create non-exportable, get the public part, sign inside the vault.
/// </summary>
public sealed class KeyProtocolTests : VaultTest
{
    [Fact]
    public async Task CreatedKeyReturnsOnlyItsPublicPartAndIsNotExportable()
    {
        var (status, bundle) = await SendAsync("keymaker", HttpMethod.Post, "keys/signing-key/create", """{"kty":"RSA","key_size":2048,"key_ops":["sign","verify"]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var key = bundle["key"]!.AsObject();
        Assert.Equal("RSA", key["kty"]!.GetValue<string>());
        Assert.StartsWith(new Uri(Vault.VaultUri, "keys/signing-key/").AbsoluteUri, key["kid"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(bundle["attributes"]!["exportable"]!.GetValue<bool>());
        foreach (var privatePart in new[] { "d", "p", "q", "dp", "dq", "qi" })
        {
            Assert.False(key.ContainsKey(privatePart), $"the key bundle carries its private part '{privatePart}'");
        }
    }

    [Fact]
    public async Task SignatureFromTheVaultVerifiesWithTheKeysPublicPart()
    {
        var (_, created) = await SendAsync("keymaker", HttpMethod.Post, "keys/signing-key/create", """{"kty":"RSA","key_size":2048}""");
        var kid = new Uri(created["key"]!["kid"]!.GetValue<string>());
        var digest = SHA256.HashData("the certificate's to-be-signed part"u8);

        var (status, signed) = await SendAsync("signer", HttpMethod.Post, kid.AbsolutePath.TrimStart('/') + "/sign", $$"""{"alg":"RS256","value":"{{Base64Url.EncodeToString(digest)}}"}""");
        var (_, fetched) = await SendAsync("signer", HttpMethod.Get, "keys/signing-key", body: null);

        Assert.Equal(HttpStatusCode.OK, status);
        using var publicKey = RSA.Create(new RSAParameters
        {
            Modulus = Base64Url.DecodeFromChars(fetched["key"]!["n"]!.GetValue<string>()),
            Exponent = Base64Url.DecodeFromChars(fetched["key"]!["e"]!.GetValue<string>()),
        });
        Assert.True(publicKey.VerifyHash(digest, Base64Url.DecodeFromChars(signed["value"]!.GetValue<string>()), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public async Task EcKeySignsEs256()
    {
        var (_, created) = await SendAsync("keymaker", HttpMethod.Post, "keys/signing-key/create", """{"kty":"EC","crv":"P-256"}""");
        var kid = new Uri(created["key"]!["kid"]!.GetValue<string>());
        var digest = SHA256.HashData("data"u8);

        var (_, signed) = await SendAsync("signer", HttpMethod.Post, kid.AbsolutePath.TrimStart('/') + "/sign", $$"""{"alg":"ES256","value":"{{Base64Url.EncodeToString(digest)}}"}""");

        using var publicKey = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Base64Url.DecodeFromChars(created["key"]!["x"]!.GetValue<string>()), Y = Base64Url.DecodeFromChars(created["key"]!["y"]!.GetValue<string>()) },
        });
        Assert.True(publicKey.VerifyHash(digest, Base64Url.DecodeFromChars(signed["value"]!.GetValue<string>()), DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    [Fact]
    public async Task NoRouteExportsBacksUpOrReleasesAKey()
    {
        var (_, created) = await SendAsync("provisioner", HttpMethod.Post, "keys/signing-key/create", """{"kty":"RSA"}""");
        var version = new Uri(created["key"]!["kid"]!.GetValue<string>()).Segments[^1];

        foreach (var path in new[] { $"keys/signing-key/{version}/export", "keys/signing-key/backup", $"keys/signing-key/{version}/release" })
        {
            var (status, _) = await SendAsync("provisioner", HttpMethod.Post, path, "{}");
            Assert.True(status is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, $"POST {path} answered {status}");
        }
    }

    [Fact]
    public async Task AnExportableKeyIsRefused()
    {
        var (status, error) = await SendAsync("keymaker", HttpMethod.Post, "keys/signing-key/create", """{"kty":"RSA","attributes":{"exportable":true}}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("BadParameter", error["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task CryptoUserMaySignButNotCreateAndOnlyItsOwnKey()
    {
        await SendAsync("keymaker", HttpMethod.Post, "keys/other-key/create", """{"kty":"RSA"}""");
        var digest = Base64Url.EncodeToString(SHA256.HashData("x"u8));

        var (create, _) = await SendAsync("signer", HttpMethod.Post, "keys/signing-key/create", """{"kty":"RSA"}""");
        var (signOther, denied) = await SendAsync("signer", HttpMethod.Post, "keys/other-key/0/sign", $$"""{"alg":"RS256","value":"{{digest}}"}""");
        var (readOther, _) = await SendAsync("signer", HttpMethod.Get, "keys/other-key", body: null);

        Assert.Equal(HttpStatusCode.Forbidden, create);
        Assert.Equal(HttpStatusCode.Forbidden, signOther);
        Assert.Equal(HttpStatusCode.Forbidden, readOther);
        Assert.Equal("ForbiddenByRbac", denied["error"]!["innererror"]!["code"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"alg":"RS256","value":"AAAA"}""")]
    [InlineData("""{"alg":"HS256","value":"47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"}""")]
    [InlineData("""{"alg":"ES256","value":"47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"}""")]
    [InlineData("""{"value":"47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"}""")]
    [InlineData("""{"alg":"RS256","value":"***"}""")]
    public async Task MalformedSignRequestGets400(string body)
    {
        var (_, created) = await SendAsync("keymaker", HttpMethod.Post, "keys/signing-key/create", """{"kty":"RSA"}""");
        var kid = new Uri(created["key"]!["kid"]!.GetValue<string>());

        var (status, error) = await SendAsync("signer", HttpMethod.Post, kid.AbsolutePath.TrimStart('/') + "/sign", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("BadParameter", error["error"]!["code"]!.GetValue<string>());
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> SendAsync(string identity, HttpMethod method, string path, string? body)
    {
        using var client = Vault.CreateHttpClient();
        using var request = new HttpRequestMessage(method, path + "?api-version=7.5");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Vault.TokenFor(identity));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request, Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation);
        var text = await response.Content.ReadAsStringAsync(Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation);
        return (response.StatusCode, text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject());
    }
}
