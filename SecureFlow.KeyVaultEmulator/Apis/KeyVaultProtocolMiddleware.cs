namespace SecureFlow.KeyVaultEmulator.Apis;

/// <summary>
/// What Key Vault checks before any operation: a supported <c>api-version</c>; and how it answers bad input, with a
/// Key Vault-shaped 400 (or 413) instead of an exception, before anything is stored.
/// </summary>
public sealed class KeyVaultProtocolMiddleware(RequestDelegate next)
{
    /// <summary>The REST API versions of the Key Vault clients this vault serves (Secrets 4.x, Certificates 4.x).</summary>
    public static IReadOnlySet<string> SupportedApiVersions { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "7.0", "7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "7.6-preview.2", "2025-07-01", "2026-04-01",
    };

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        var apiVersion = context.Request.Query["api-version"].ToString();
        if (apiVersion.Length == 0)
        {
            await KeyVaultError.BadParameter("The 'api-version' query parameter is required.").ExecuteAsync(context);
            return;
        }

        if (!SupportedApiVersions.Contains(apiVersion))
        {
            await KeyVaultError.BadParameter(
                $"The specified version ({apiVersion}) is not recognized. Consider using the latest supported version (2025-07-01).").ExecuteAsync(context);
            return;
        }

        try
        {
            await next(context);
        }
        catch (BadInputException exception) when (!context.Response.HasStarted)
        {
            await KeyVaultError.BadParameter(exception.Message).ExecuteAsync(context);
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
        {
            await KeyVaultError.TooLarge(JsonBody.MaxBytes).ExecuteAsync(context);
        }
    }
}
