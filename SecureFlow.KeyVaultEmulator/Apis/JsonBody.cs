using System.Text.Json;
using System.Text.Json.Nodes;
using SecureFlow.KeyVaultEmulator.Authorization;

namespace SecureFlow.KeyVaultEmulator.Apis;

/// <summary>Reads a request's JSON object; bad input becomes a Key Vault error, never an exception or a half-stored object.</summary>
public static class JsonBody
{
    /// <summary>The largest request body the vault reads (a PFX with a chain fits easily).</summary>
    public const long MaxBytes = 256 * 1024;

    /// <summary>The body of a request that changes <paramref name="name"/>, once the name and the caller's grants are checked.</summary>
    public static async Task<(JsonObject? Body, IResult? Error)> ReadAuthorizedAsync(HttpContext context, VaultAction action, string name) =>
        VaultAccess.Refuse(context, action, name) is { } refused ? (null, refused) : await ReadAsync(context.Request);

    public static async Task<(JsonObject? Body, IResult? Error)> ReadAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            var node = await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
            return node is JsonObject body ? (body, null) : (null, KeyVaultError.BadParameter("The request body must be a JSON object."));
        }
        catch (JsonException)
        {
            return (null, KeyVaultError.BadParameter("The request body is not valid JSON."));
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, KeyVaultError.TooLarge(MaxBytes));
        }
    }

    /// <summary>An optional property of a given JSON type; a property of another type is bad input.</summary>
    public static T? Optional<T>(JsonObject body, string name)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (!body.TryGetPropertyValue(name, out var node) || node is null)
        {
            return default;
        }

        try
        {
            return node.GetValue<T>();
        }
        catch (Exception exception) when (exception is InvalidOperationException or FormatException)
        {
            throw new BadInputException($"'{name}' has the wrong type.");
        }
    }

    public static JsonObject? OptionalObject(JsonObject body, string name)
    {
        ArgumentNullException.ThrowIfNull(body);
        return body.TryGetPropertyValue(name, out var node) switch
        {
            false => null,
            true when node is null => null,
            true when node is JsonObject value => value,
            _ => throw new BadInputException($"'{name}' must be a JSON object."),
        };
    }

    /// <summary>Key Vault's <c>tags</c>: string values only.</summary>
    public static Dictionary<string, string> Tags(JsonObject body)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in OptionalObject(body, "tags") ?? [])
        {
            tags[key] = value is JsonValue text && text.TryGetValue<string>(out var tag) ? tag : throw new BadInputException($"Tag '{key}' must be a string.");
        }

        return tags;
    }
}
