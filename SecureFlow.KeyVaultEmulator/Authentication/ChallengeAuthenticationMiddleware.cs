using System.Security.Claims;
using Microsoft.Extensions.Options;
using SecureFlow.KeyVaultEmulator.Apis;
using SecureFlow.ServiceDefaults.Identity;

namespace SecureFlow.KeyVaultEmulator.Authentication;

/// <summary>
/// Key Vault's challenge-based authentication: a request without a valid bearer token gets 401 with
/// <c>WWW-Authenticate: Bearer authorization="...", resource="https://vault.azure.net"</c>, from which the SDK learns
/// the audience to ask its credential for. A valid token names the caller's identity; the token is never logged.
/// </summary>
public sealed partial class ChallengeAuthenticationMiddleware(RequestDelegate next, IOptions<KeyVaultEmulatorOptions> options, ILogger<ChallengeAuthenticationMiddleware> logger)
{
    /// <summary>The local vault's stand-in for the Entra ID tenant; the SDK passes it to the credential as the tenant id.</summary>
    public const string LocalTenant = "secureflow-local";

    private const string BearerPrefix = "Bearer ";

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            await ChallengeAsync(context, "AKV10000: Request is missing a Bearer or PoP token.");
            return;
        }

        var identities = options.Value.Identities;
        var identity = LocalIdentityToken.Validate(
            header[BearerPrefix.Length..].Trim(),
            name => identities.TryGetValue(name, out var known) && known.Key.Length > 0 ? known.Key : null,
            KeyVaultAudience.Value,
            DateTimeOffset.UtcNow);
        if (identity is null)
        {
            LogRejectedToken(logger, context.Request.Method, context.Request.Path);
            await ChallengeAsync(context, "AKV10032: Invalid token: its signature, audience or lifetime did not verify.");
            return;
        }

        context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, identity)], "SecureFlowLocalIdentity"));
        await next(context);
    }

    private static Task ChallengeAsync(HttpContext context, string message)
    {
        context.Response.Headers.WWWAuthenticate =
            $"Bearer authorization=\"https://{context.Request.Host}/{LocalTenant}\", resource=\"{KeyVaultAudience.Value}\"";
        return KeyVaultError.Unauthorized(message).ExecuteAsync(context);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected a bearer token for {Method} {Path}: its signature, audience or lifetime did not verify")]
    private static partial void LogRejectedToken(ILogger logger, string method, PathString path);
}
