namespace SecureFlow.Contracts.Identity;

/// <summary>The one check of a service's identity, run at the service's start.</summary>
public sealed class ServiceIdentityOptionsValidator : ServiceOptionsValidator<ServiceIdentityOptions>
{
    protected override void Check(ServiceIdentityOptions options, ValidationFailures failures)
    {
        failures.Require(!string.IsNullOrWhiteSpace(options.Name), "Identity:Name is not set: a service that calls the vault authenticates as itself.");
        failures.Require(options.LocalKey is null || IsBase64(options.LocalKey), $"Identity:LocalKey of '{options.Name}' is not base64.");
    }

    private static bool IsBase64(string value) => Convert.TryFromBase64String(value, new byte[value.Length], out _);
}
