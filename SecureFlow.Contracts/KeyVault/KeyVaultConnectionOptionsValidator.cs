namespace SecureFlow.Contracts.KeyVault;

/// <summary>The one check of a service's vault connection, run at the service's start.</summary>
public sealed class KeyVaultConnectionOptionsValidator : ServiceOptionsValidator<KeyVaultConnectionOptions>
{
    protected override void Check(KeyVaultConnectionOptions options, ValidationFailures failures)
    {
        failures.Require(options.Uri is null || (options.Uri.IsAbsoluteUri && options.Uri.Scheme == Uri.UriSchemeHttps),
            $"KeyVault:Uri must be an absolute https URI (Key Vault is HTTPS only), not '{options.Uri}'.");
        failures.Require(options.SecretName is null || KeyVaultNames.IsValid(options.SecretName),
            $"KeyVault:SecretName '{options.SecretName}' is not a Key Vault object name (1-127 letters, digits and dashes).");
    }
}
