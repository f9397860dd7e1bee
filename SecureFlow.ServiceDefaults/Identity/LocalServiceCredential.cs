using Azure.Core;

namespace SecureFlow.ServiceDefaults.Identity;

/// <summary>
/// Locally, the credential a service authenticates to the Key Vault emulator with: it signs a short-lived token for
/// the audience the vault's challenge names, with the key only this service and the emulator hold. It stands where
/// the managed or workload identity credential stands in Azure; the code that calls Key Vault is the same.
/// </summary>
public sealed class LocalServiceCredential(string identity, string key) : TokenCredential
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    public string Identity { get; } = identity;

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        if (requestContext.Scopes is not [var scope])
        {
            throw new ArgumentException("Key Vault asks for exactly one scope.", nameof(requestContext));
        }

        var audience = scope.EndsWith("/.default", StringComparison.Ordinal) ? scope[..^"/.default".Length] : scope;
        var expiresOn = DateTimeOffset.UtcNow + Lifetime;
        return new AccessToken(LocalIdentityToken.Create(Identity, key, audience, expiresOn), expiresOn);
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
