using Azure;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Options;
using SecureFlow.Contracts.Identity;
using SecureFlow.Contracts.KeyVault;

namespace SecureFlow.Workload.Apis;

/// <summary><c>GET /api/secret</c>: proof that the workload reads its secret from Key Vault with its own identity.</summary>
public static class SecretApi
{
    public static IEndpointRouteBuilder MapSecretApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);

        app.MapGet("/api/secret", ReadAsync)
            .WithName("GetSecret")
            .WithSummary("The workload's Key Vault secret as the workload's identity read it: name, version, updated time, identity; never the value.");
        return app;
    }

    private static async Task<IResult> ReadAsync(IServiceProvider services, IOptions<ServiceIdentityOptions> identity, CancellationToken cancellationToken)
    {
        if (services.GetService<IOptions<KeyVaultConnectionOptions>>()?.Value.SecretName is not { Length: > 0 } name
            || services.GetService<SecretClient>() is not { } client)
        {
            return TypedResults.Problem("The app model gives this workload no Key Vault secret.", statusCode: StatusCodes.Status404NotFound);
        }

        try
        {
            var secret = (await client.GetSecretAsync(name, cancellationToken: cancellationToken)).Value;

            // The value is read (that is the proof) and dropped: it never leaves the process, not even in a log.
            return TypedResults.Ok(new SecretReport(secret.Name, secret.Properties.Version, secret.Properties.UpdatedOn, identity.Value.Name));
        }
        catch (RequestFailedException exception)
        {
            return TypedResults.Problem($"Key Vault answered {exception.Status} ({exception.ErrorCode}) to '{identity.Value.Name}'.", statusCode: StatusCodes.Status502BadGateway);
        }
    }
}

/// <summary>What <c>GET /api/secret</c> reports: everything about the read except the value.</summary>
public sealed record SecretReport(string Name, string Version, DateTimeOffset? UpdatedOn, string Identity);
