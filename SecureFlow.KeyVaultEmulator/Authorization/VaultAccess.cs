using SecureFlow.KeyVaultEmulator.Apis;

namespace SecureFlow.KeyVaultEmulator.Authorization;

/// <summary>The per-request check every endpoint makes before it reads or changes anything.</summary>
public static partial class VaultAccess
{
    /// <summary>Null when <paramref name="name"/> is a valid object name and the caller may do <paramref name="action"/> on it; otherwise the 400 or 403.</summary>
    public static IResult? Refuse(HttpContext context, VaultAction action, string name) =>
        VaultNames.IsValidName(name) ? Deny(context, action, name) : KeyVaultError.InvalidName(name);

    /// <summary>Null when the caller's role assignments allow <paramref name="action"/> on <paramref name="objectName"/>; otherwise the 403.</summary>
    public static IResult? Deny(HttpContext context, VaultAction action, string? objectName)
    {
        ArgumentNullException.ThrowIfNull(context);
        var identity = context.User.Identity?.Name
            ?? throw new InvalidOperationException("The vault API ran without an authenticated caller.");
        var access = context.RequestServices.GetRequiredService<RoleBasedAccess>();
        if (access.Allows(identity, action, objectName))
        {
            return null;
        }

        var dataAction = RoleBasedAccess.DataActionName(action);
        LogDenied(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(VaultAccess)), identity, dataAction, objectName ?? "(vault)");
        return KeyVaultError.ForbiddenByRbac(identity, dataAction, context.Request.Path);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Denied {Identity}: no role assignment grants {DataAction} on {ObjectName}")]
    private static partial void LogDenied(ILogger logger, string identity, string dataAction, string objectName);
}
