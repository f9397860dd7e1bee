using System.Text.Json.Nodes;

namespace SecureFlow.KeyVaultEmulator.Apis;

/// <summary>Key Vault's error responses: <c>{"error":{"code":"...","message":"..."}}</c>, with the status Key Vault uses.</summary>
public static class KeyVaultError
{
    public static IResult BadParameter(string message) => Create(StatusCodes.Status400BadRequest, "BadParameter", message);

    public static IResult InvalidName(string name) =>
        BadParameter($"The request URI contains an invalid name: {name}. Names are 1-127 letters, digits and dashes.");

    public static IResult SecretNotFound(string name, string? version) => Create(StatusCodes.Status404NotFound, "SecretNotFound",
        $"A secret with (name/id) {name}{(string.IsNullOrEmpty(version) ? "" : "/" + version)} was not found in this key vault.");

    public static IResult CertificateNotFound(string name, string? version) => Create(StatusCodes.Status404NotFound, "CertificateNotFound",
        $"A certificate with (name/id) {name}{(string.IsNullOrEmpty(version) ? "" : "/" + version)} was not found in this key vault.");

    public static IResult Conflict(string message) => Create(StatusCodes.Status409Conflict, "Conflict", message);

    public static IResult TooLarge(long limit) => Create(StatusCodes.Status413PayloadTooLarge, "RequestEntityTooLarge",
        $"The request body is larger than the vault accepts ({limit} bytes).");

    public static IResult Unauthorized(string message) => Create(StatusCodes.Status401Unauthorized, "Unauthorized", message);

    /// <summary>Azure's 403 for a caller without a role assignment that grants the action: code Forbidden, inner code ForbiddenByRbac.</summary>
    public static IResult ForbiddenByRbac(string identity, string dataAction, string resource)
    {
        var body = new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = "Forbidden",
                ["message"] = $"Caller is not authorized to perform action on resource.\r\nCaller: name={identity}\r\nAction: '{dataAction}'\r\nResource: '{resource}'",
                ["innererror"] = new JsonObject { ["code"] = "ForbiddenByRbac" },
            },
        };
        return Results.Content(body.ToJsonString(), "application/json; charset=utf-8", statusCode: StatusCodes.Status403Forbidden);
    }

    public static IResult Create(int status, string code, string message)
    {
        var body = new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } };
        return Results.Content(body.ToJsonString(), "application/json; charset=utf-8", statusCode: status);
    }
}
