using System.Buffers.Text;
using System.Text.Json.Nodes;
using SecureFlow.KeyVaultEmulator.Authorization;
using SecureFlow.KeyVaultEmulator.Keys;
using SecureFlow.KeyVaultEmulator.Storage;

namespace SecureFlow.KeyVaultEmulator.Apis;

/// <summary>
/// Key Vault's keys, the part an outside certificate issuer needs: create (RSA or EC, non-exportable), get (latest or a
/// version) and <c>sign</c>. There is no export, backup or release: no API returns a key's private part.
/// </summary>
public static class KeysApi
{
    private static readonly string[] DefaultKeyOps = ["sign", "verify"];

    public static IEndpointRouteBuilder MapKeysApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);

        app.MapPost("/keys/{name}/create", CreateAsync).WithName("CreateKey");
        app.MapGet("/keys/{name}/{version?}", Get).WithName("GetKey");
        app.MapPost("/keys/{name}/{version}/sign", SignAsync).WithName("Sign");
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpContext context, string name, VaultStore store)
    {
        var (body, error) = await JsonBody.ReadAuthorizedAsync(context, VaultAction.CreateKey, name);
        if (body is null)
        {
            return error!;
        }

        var kty = JsonBody.Optional<string>(body, "kty") ?? throw new BadInputException("'kty' is required: RSA or EC.");
        kty = kty switch
        {
            "RSA" or "RSA-HSM" => VaultKeyMaterial.Rsa,
            "EC" or "EC-HSM" => VaultKeyMaterial.Ec,
            _ => throw new BadInputException($"kty '{kty}' is not supported by the local vault: use RSA or EC."),
        };
        if (JsonBody.OptionalObject(body, "attributes") is { } requested && JsonBody.Optional<bool?>(requested, "exportable") is true)
        {
            return KeyVaultError.BadParameter("An exportable key needs a release policy: the local vault makes non-exportable keys only.");
        }

        var keyOps = KeyOps(body);
        var attributes = SecretsApi.ReadAttributes(body, VaultAttributes.CreatedNow());
        var key = new KeyVersion(VaultNames.NewVersion(), kty,
            VaultKeyMaterial.Generate(kty, JsonBody.Optional<int?>(body, "key_size"), JsonBody.Optional<string>(body, "crv")),
            keyOps, attributes, JsonBody.Tags(body));
        var stored = store.Write(contents =>
        {
            if (contents.Certificates.ContainsKey(name) || contents.PendingCertificates.ContainsKey(name))
            {
                return false;
            }

            if (!contents.Keys.TryGetValue(name, out var versions))
            {
                contents.Keys[name] = versions = [];
            }

            versions.Add(key);
            return true;
        });

        return stored
            ? VaultJson.Ok(Bundle(new VaultUris(context.Request), name, key))
            : KeyVaultError.Conflict($"Key {name} belongs to the certificate {name}: choose another name.");
    }

    private static IResult Get(HttpContext context, string name, string? version, VaultStore store)
    {
        if (VaultAccess.Refuse(context, VaultAction.ReadKey, name) is { } refused)
        {
            return refused;
        }

        var key = store.Read(contents => Find(contents, name, version));
        return key is null ? KeyNotFound(name, version) : VaultJson.Ok(Bundle(new VaultUris(context.Request), name, key));
    }

    private static async Task<IResult> SignAsync(HttpContext context, string name, string version, VaultStore store)
    {
        var (body, error) = await JsonBody.ReadAuthorizedAsync(context, VaultAction.SignWithKey, name);
        if (body is null)
        {
            return error!;
        }

        var algorithm = JsonBody.Optional<string>(body, "alg") ?? throw new BadInputException("'alg' is required.");
        var value = JsonBody.Optional<string>(body, "value") ?? throw new BadInputException("'value' is required: the digest, base64url.");
        byte[] digest;
        try
        {
            digest = Base64Url.DecodeFromChars(value);
        }
        catch (FormatException)
        {
            throw new BadInputException("'value' is not base64url.");
        }

        var key = store.Read(contents => Find(contents, name, version));
        if (key is null)
        {
            return KeyNotFound(name, version);
        }

        if (!key.Attributes.Enabled)
        {
            return KeyVaultError.Create(StatusCodes.Status403Forbidden, "Forbidden", "Operation sign is not allowed on a disabled key.");
        }

        if (!key.KeyOps.Contains("sign", StringComparer.Ordinal))
        {
            return KeyVaultError.Create(StatusCodes.Status403Forbidden, "Forbidden", "Operation sign is not permitted on this key.");
        }

        var signature = VaultKeyMaterial.Sign(key.Kty, key.PrivateKey, algorithm, digest);
        return VaultJson.Ok(new JsonObject
        {
            ["kid"] = new VaultUris(context.Request).Key(name, key.Version),
            ["value"] = Base64Url.EncodeToString(signature),
        });
    }

    private static JsonObject Bundle(VaultUris uris, string name, KeyVersion key)
    {
        var attributes = VaultJson.Attributes(key.Attributes);
        attributes["exportable"] = false;
        return new JsonObject
        {
            ["key"] = VaultKeyMaterial.PublicJwk(key.Kty, key.PrivateKey, uris.Key(name, key.Version), key.KeyOps),
            ["attributes"] = attributes,
            ["tags"] = new JsonObject([.. key.Tags.Select(tag => KeyValuePair.Create<string, JsonNode?>(tag.Key, tag.Value))]),
        };
    }

    private static string[] KeyOps(JsonObject body)
    {
        if (!body.TryGetPropertyValue("key_ops", out var node) || node is null)
        {
            return DefaultKeyOps;
        }

        string[] known = ["sign", "verify", "encrypt", "decrypt", "wrapKey", "unwrapKey"];
        return node is JsonArray ops && ops.All(op => op is JsonValue value && value.TryGetValue<string>(out var text) && known.Contains(text, StringComparer.Ordinal))
            ? [.. ops.Select(op => op!.GetValue<string>())]
            : throw new BadInputException($"key_ops must be an array of {string.Join(", ", known)}.");
    }

    private static KeyVersion? Find(VaultContents contents, string name, string? version) =>
        !contents.Keys.TryGetValue(name, out var versions) ? null
        : string.IsNullOrEmpty(version) ? versions[^1]
        : versions.Find(candidate => string.Equals(candidate.Version, version, StringComparison.OrdinalIgnoreCase));

    private static IResult KeyNotFound(string name, string? version) => KeyVaultError.Create(StatusCodes.Status404NotFound, "KeyNotFound",
        $"A key with (name/id) {name}{(string.IsNullOrEmpty(version) ? "" : "/" + version)} was not found in this key vault.");
}
