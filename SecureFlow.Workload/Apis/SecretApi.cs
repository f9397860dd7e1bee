using Azure;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Options;
using SecureFlow.Contracts.Identity;
using SecureFlow.Contracts.KeyVault;

namespace SecureFlow.Workload.Apis;

/// <summary><c>GET /api/secret</c>: proof that the workload reads its secret from Key Vault with its own identity.</summary>
public static class SecretApi
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

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

        // A user's request waits for the vault this long at most, whatever the SDK's retries would take.
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(ReadTimeout);
        try
        {
            var secret = (await client.GetSecretAsync(name, cancellationToken: bounded.Token)).Value;

            // The value is read (that is the proof) and dropped: it never leaves the process, not even in a log.
            return TypedResults.Ok(new SecretReport(secret.Name, secret.Properties.Version, secret.Properties.UpdatedOn, identity.Value.Name));
        }
        catch (RequestFailedException exception) when (exception.Status != 0)
        {
            return TypedResults.Problem($"Key Vault answered {exception.Status} ({exception.ErrorCode}) to '{identity.Value.Name}'.", statusCode: StatusCodes.Status502BadGateway);
        }
        catch (Exception exception) when (IsUnreachable(exception) || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // The SDK retried and gave up (an AggregateException of transport failures): the vault is down or cut off.
            return TypedResults.Problem($"Key Vault could not be reached by '{identity.Value.Name}'; try again later.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static bool IsUnreachable(Exception exception) => exception switch
    {
        AggregateException aggregate => aggregate.InnerExceptions.All(IsUnreachable),
        // Transport failures, and the SDK's per-try network timeout (a cancellation the caller did not ask for).
        RequestFailedException { Status: 0 } or HttpRequestException or TaskCanceledException => true,
        _ => false,
    };
}

/// <summary>What <c>GET /api/secret</c> reports: everything about the read except the value.</summary>
public sealed record SecretReport(string Name, string Version, DateTimeOffset? UpdatedOn, string Identity);
