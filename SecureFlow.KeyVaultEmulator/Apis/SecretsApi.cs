using System.Text;
using System.Text.Json.Nodes;
using SecureFlow.KeyVaultEmulator.Authorization;
using SecureFlow.KeyVaultEmulator.Storage;

namespace SecureFlow.KeyVaultEmulator.Apis;

/// <summary>Key Vault's secrets: set, get (latest or a version), list, list versions, update properties, delete.</summary>
public static class SecretsApi
{
    /// <summary>Key Vault's limit on a secret value.</summary>
    public const int MaxValueBytes = 25 * 1024;

    public static IEndpointRouteBuilder MapSecretsApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);

        app.MapPut("/secrets/{name}", SetAsync).WithName("SetSecret");
        app.MapGet("/secrets", List).WithName("GetSecrets");
        app.MapGet("/secrets/{name}/versions", ListVersions).WithName("GetSecretVersions");
        app.MapGet("/secrets/{name}/{version?}", Get).WithName("GetSecret");
        app.MapMethods("/secrets/{name}/{version?}", ["PATCH"], UpdateAsync).WithName("UpdateSecret");
        app.MapDelete("/secrets/{name}", Delete).WithName("DeleteSecret");
        return app;
    }

    private static async Task<IResult> SetAsync(HttpContext context, string name, VaultStore store)
    {
        var (body, error) = await JsonBody.ReadAuthorizedAsync(context, VaultAction.WriteSecret, name);
        if (body is null)
        {
            return error!;
        }

        var value = JsonBody.Optional<string>(body, "value") ?? throw new BadInputException("'value' is required.");
        if (Encoding.UTF8.GetByteCount(value) > MaxValueBytes)
        {
            return KeyVaultError.BadParameter($"The secret value is larger than {MaxValueBytes} bytes.");
        }

        var attributes = ReadAttributes(body, VaultAttributes.CreatedNow());
        var secret = new SecretVersion(VaultNames.NewVersion(), value, JsonBody.Optional<string>(body, "contentType"), attributes, JsonBody.Tags(body));
        var stored = store.Write(contents =>
        {
            if (contents.Certificates.ContainsKey(name))
            {
                return false;
            }

            Versions(contents, name).Add(secret);
            return true;
        });

        return stored
            ? VaultJson.Ok(VaultJson.Secret(new VaultUris(context.Request), name, secret, includeValue: true))
            : KeyVaultError.Conflict($"Secret {name} backs the certificate {name}: import a new version of the certificate instead.");
    }

    private static IResult Get(HttpContext context, string name, string? version, VaultStore store)
    {
        if (VaultAccess.Refuse(context, VaultAction.GetSecret, name) is { } refused)
        {
            return refused;
        }

        var secret = store.Read(contents => Find(contents, name, version));
        if (secret is null)
        {
            return KeyVaultError.SecretNotFound(name, version);
        }

        return secret.Attributes.Enabled
            ? VaultJson.Ok(VaultJson.Secret(new VaultUris(context.Request), name, secret, includeValue: true))
            : KeyVaultError.Create(StatusCodes.Status403Forbidden, "Forbidden", "Operation get is not allowed on a disabled secret.");
    }

    private static IResult List(HttpContext context, VaultStore store)
    {
        if (VaultAccess.Deny(context, VaultAction.ReadSecretMetadata, objectName: null) is { } denied)
        {
            return denied;
        }

        var uris = new VaultUris(context.Request);
        var items = store.Read(contents => contents.Secrets
            .Where(entry => entry.Value.Count > 0)
            .Select(entry => VaultJson.SecretItem(uris, entry.Key, entry.Value[^1], withVersion: false))
            .ToList());
        return VaultJson.Ok(VaultJson.List(items));
    }

    private static IResult ListVersions(HttpContext context, string name, VaultStore store)
    {
        if (VaultAccess.Refuse(context, VaultAction.ReadSecretMetadata, name) is { } refused)
        {
            return refused;
        }

        var uris = new VaultUris(context.Request);
        var items = store.Read(contents => contents.Secrets.TryGetValue(name, out var versions)
            ? versions.Select(secret => VaultJson.SecretItem(uris, name, secret, withVersion: true)).ToList()
            : []);
        return VaultJson.Ok(VaultJson.List(items));
    }

    private static async Task<IResult> UpdateAsync(HttpContext context, string name, string? version, VaultStore store)
    {
        var (body, error) = await JsonBody.ReadAuthorizedAsync(context, VaultAction.WriteSecret, name);
        if (body is null)
        {
            return error!;
        }

        var contentType = JsonBody.Optional<string>(body, "contentType");
        var tags = body.ContainsKey("tags") ? JsonBody.Tags(body) : null;
        var updated = store.Write(contents =>
        {
            if (Find(contents, name, version) is not { } secret)
            {
                return null;
            }

            var versions = contents.Secrets[name];
            var changed = secret with
            {
                ContentType = contentType ?? secret.ContentType,
                Attributes = ReadAttributes(body, secret.Attributes) with { Updated = DateTimeOffset.UtcNow.ToUnixTimeSeconds() },
                Tags = tags ?? secret.Tags,
            };
            versions[versions.IndexOf(secret)] = changed;
            return changed;
        });

        return updated is null
            ? KeyVaultError.SecretNotFound(name, version)
            : VaultJson.Ok(VaultJson.Secret(new VaultUris(context.Request), name, updated, includeValue: false));
    }

    private static IResult Delete(HttpContext context, string name, VaultStore store)
    {
        if (VaultAccess.Refuse(context, VaultAction.WriteSecret, name) is { } refused)
        {
            return refused;
        }

        var deleted = store.Write(contents =>
        {
            if (contents.Certificates.ContainsKey(name) || !contents.Secrets.Remove(name, out var versions))
            {
                return null;
            }

            return versions[^1];
        });

        return deleted is null
            ? KeyVaultError.SecretNotFound(name, version: null)
            : VaultJson.Ok(VaultJson.Secret(new VaultUris(context.Request), name, deleted, includeValue: false));
    }

    /// <summary>A version, or the latest when <paramref name="version"/> is empty; null if there is none.</summary>
    internal static SecretVersion? Find(VaultContents contents, string name, string? version)
    {
        if (!contents.Secrets.TryGetValue(name, out var versions) || versions.Count == 0)
        {
            return null;
        }

        return string.IsNullOrEmpty(version)
            ? versions[^1]
            : versions.Find(secret => string.Equals(secret.Version, version, StringComparison.OrdinalIgnoreCase));
    }

    internal static List<SecretVersion> Versions(VaultContents contents, string name)
    {
        if (!contents.Secrets.TryGetValue(name, out var versions))
        {
            contents.Secrets[name] = versions = [];
        }

        return versions;
    }

    /// <summary>The <c>attributes</c> of a request applied over <paramref name="current"/>.</summary>
    internal static VaultAttributes ReadAttributes(JsonObject body, VaultAttributes current)
    {
        if (JsonBody.OptionalObject(body, "attributes") is not { } attributes)
        {
            return current;
        }

        return current with
        {
            Enabled = JsonBody.Optional<bool?>(attributes, "enabled") ?? current.Enabled,
            NotBefore = JsonBody.Optional<long?>(attributes, "nbf") ?? current.NotBefore,
            Expires = JsonBody.Optional<long?>(attributes, "exp") ?? current.Expires,
        };
    }
}
