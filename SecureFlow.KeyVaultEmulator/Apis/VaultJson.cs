using System.Text.Json.Nodes;
using SecureFlow.KeyVaultEmulator.Storage;

namespace SecureFlow.KeyVaultEmulator.Apis;

/// <summary>Key Vault's JSON shapes for secrets and certificates (bundles, list items, attributes).</summary>
public static class VaultJson
{
    /// <summary>A vault without soft delete: a deleted object is gone at once.</summary>
    private const string RecoveryLevel = "Purgeable";

    public static JsonObject Attributes(VaultAttributes attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var json = new JsonObject { ["enabled"] = attributes.Enabled };
        if (attributes.NotBefore is { } notBefore)
        {
            json["nbf"] = notBefore;
        }

        if (attributes.Expires is { } expires)
        {
            json["exp"] = expires;
        }

        json["created"] = attributes.Created;
        json["updated"] = attributes.Updated;
        json["recoveryLevel"] = RecoveryLevel;
        return json;
    }

    /// <summary>A secret's properties; with <paramref name="includeValue"/> the full bundle a get returns.</summary>
    public static JsonObject Secret(VaultUris uris, string name, SecretVersion secret, bool includeValue)
    {
        ArgumentNullException.ThrowIfNull(uris);
        ArgumentNullException.ThrowIfNull(secret);
        var json = new JsonObject();
        if (includeValue)
        {
            json["value"] = secret.Value;
        }

        json["id"] = uris.Secret(name, secret.Version);
        if (secret.ContentType is not null)
        {
            json["contentType"] = secret.ContentType;
        }

        json["attributes"] = Attributes(secret.Attributes);
        json["tags"] = Tags(secret.Tags);
        if (secret.Managed)
        {
            json["managed"] = true;
            json["kid"] = uris.Key(name, secret.Version);
        }

        return json;
    }

    /// <summary>A list item of <c>GET /secrets</c> and <c>/secrets/NAME/versions</c>: the id without version for the former.</summary>
    public static JsonObject SecretItem(VaultUris uris, string name, SecretVersion secret, bool withVersion)
    {
        var json = Secret(uris, name, secret, includeValue: false);
        json["id"] = withVersion ? uris.Secret(name, secret.Version) : uris.Secret(name);
        json.Remove("kid");
        return json;
    }

    public static JsonObject Certificate(VaultUris uris, string name, CertificateVersion certificate, string policyJson)
    {
        ArgumentNullException.ThrowIfNull(uris);
        ArgumentNullException.ThrowIfNull(certificate);
        var json = new JsonObject
        {
            ["id"] = uris.Certificate(name, certificate.Version),
            ["kid"] = uris.Key(name, certificate.Version),
            ["sid"] = uris.Secret(name, certificate.Version),
            ["x5t"] = certificate.X5t,
            ["cer"] = certificate.Cer,
            ["attributes"] = Attributes(certificate.Attributes),
            ["tags"] = Tags(certificate.Tags),
        };
        if (policyJson.Length > 0)
        {
            json["policy"] = Policy(uris, name, policyJson);
        }

        return json;
    }

    public static JsonObject CertificateItem(VaultUris uris, string name, CertificateVersion certificate, bool withVersion) => new()
    {
        ["id"] = withVersion ? uris.Certificate(name, certificate.Version) : uris.Certificate(name),
        ["x5t"] = certificate.X5t,
        ["attributes"] = Attributes(certificate.Attributes),
        ["tags"] = Tags(certificate.Tags),
    };

    public static JsonObject Policy(VaultUris uris, string name, string policyJson)
    {
        ArgumentNullException.ThrowIfNull(uris);
        var policy = JsonNode.Parse(policyJson)!.AsObject();
        policy["id"] = uris.CertificatePolicy(name);
        return policy;
    }

    public static JsonObject List(IEnumerable<JsonObject> items) => new() { ["value"] = new JsonArray([.. items]), ["nextLink"] = null };

    public static IResult Ok(JsonObject json, int status = StatusCodes.Status200OK) =>
        Results.Content(json.ToJsonString(), "application/json; charset=utf-8", statusCode: status);

    private static JsonObject Tags(IReadOnlyDictionary<string, string> tags) => new([.. tags.Select(tag => KeyValuePair.Create<string, JsonNode?>(tag.Key, tag.Value))]);
}
