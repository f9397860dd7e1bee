using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace SecureFlow.IdentityIssuer.Vault;

/// <summary>
/// Key Vault's keys REST API, the three operations the issuer needs (get, create a non-exportable RSA key, sign), over
/// the same Azure.Core pipeline and credential as the SDK clients. A failure is the SDK's <see cref="RequestFailedException"/>.
/// </summary>
internal sealed class VaultKeyClient(HttpPipeline pipeline, Uri vaultUri)
{
    private const string ApiVersion = "7.5";

    /// <summary>The latest version of <paramref name="name"/>, or null when the vault has no such key.</summary>
    public async Task<VaultKey?> GetKeyAsync(string name, CancellationToken cancellationToken)
    {
        using var message = Message(RequestMethod.Get, new Uri(vaultUri, $"keys/{name}"), body: null);
        await pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        return message.Response.Status == 404 ? null : Parse(Succeeded(message.Response));
    }

    /// <summary>Creates <paramref name="name"/> (or a new version of it): RSA, sign and verify only, never exportable.</summary>
    public async Task<VaultKey> CreateRsaKeyAsync(string name, int keySize, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["kty"] = "RSA",
            ["key_size"] = keySize,
            ["key_ops"] = new JsonArray("sign", "verify"),
            ["attributes"] = new JsonObject { ["enabled"] = true, ["exportable"] = false },
        };
        using var message = Message(RequestMethod.Post, new Uri(vaultUri, $"keys/{name}/create"), body);
        await pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        return Parse(Succeeded(message.Response));
    }

    /// <summary>
    /// Signs <paramref name="digest"/> with the key version <paramref name="keyId"/> inside the vault (RS256: PKCS#1 v1.5
    /// over a SHA-256 digest). Synchronous: <see cref="System.Security.Cryptography.X509Certificates.X509SignatureGenerator"/> is.
    /// </summary>
    public byte[] Sign(Uri keyId, string algorithm, byte[] digest)
    {
        // The key id comes from the vault's answer: never send the token to a host other than the vault's.
        if (!string.Equals(keyId.GetLeftPart(UriPartial.Authority), vaultUri.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"The key id '{keyId}' is not in the vault {vaultUri}: refusing to sign there.");
        }

        var body = new JsonObject { ["alg"] = algorithm, ["value"] = Base64Url.EncodeToString(digest) };
        using var message = Message(RequestMethod.Post, new Uri(keyId.AbsoluteUri.TrimEnd('/') + "/sign"), body);
        pipeline.Send(message, CancellationToken.None);
        var json = Succeeded(message.Response);
        return Base64Url.DecodeFromChars(json["value"]?.GetValue<string>() ?? throw new InvalidOperationException("Key Vault's sign answer has no value."));
    }

    private HttpMessage Message(RequestMethod method, Uri uri, JsonObject? body)
    {
        var message = pipeline.CreateMessage();
        message.Request.Method = method;
        var address = new RequestUriBuilder();
        address.Reset(uri);
        address.AppendQuery("api-version", ApiVersion);
        message.Request.Uri = address;
        message.Request.Headers.Add("Accept", "application/json");
        if (body is not null)
        {
            message.Request.Headers.Add("Content-Type", "application/json");
            message.Request.Content = RequestContent.Create(BinaryData.FromString(body.ToJsonString()));
        }

        return message;
    }

    private static JsonObject Succeeded(Response response)
    {
        if (response.IsError)
        {
            throw new RequestFailedException(response);
        }

        try
        {
            return JsonNode.Parse(response.Content.ToString()) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException exception)
        {
            throw new InvalidOperationException($"Key Vault answered {response.Status} with a body that is not a JSON object.", exception);
        }
    }

    private static VaultKey Parse(JsonObject bundle)
    {
        var key = bundle["key"] as JsonObject ?? throw new InvalidOperationException("Key Vault's key bundle has no key.");
        if (key["kty"]?.GetValue<string>() is not ("RSA" or "RSA-HSM"))
        {
            throw new InvalidOperationException($"The root key must be an RSA key, not {key["kty"]}.");
        }

        var created = bundle["attributes"]?["created"]?.GetValue<long>() ?? throw new InvalidOperationException("Key Vault's key bundle has no creation time.");
        return new VaultKey(
            new Uri(key["kid"]?.GetValue<string>() ?? throw new InvalidOperationException("Key Vault's key has no kid.")),
            new RSAParameters
            {
                Modulus = Base64Url.DecodeFromChars(key["n"]?.GetValue<string>() ?? throw new InvalidOperationException("The RSA key has no modulus.")),
                Exponent = Base64Url.DecodeFromChars(key["e"]?.GetValue<string>() ?? throw new InvalidOperationException("The RSA key has no exponent.")),
            },
            DateTimeOffset.FromUnixTimeSeconds(created));
    }
}
