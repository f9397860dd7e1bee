using System.Net;
using Microsoft.Extensions.Options;

namespace SecureFlow.Contracts.Management;

/// <summary>The one check of the management listener, run at the service's start.</summary>
public sealed class ManagementOptionsValidator : IValidateOptions<ManagementOptions>
{
    public ValidateOptionsResult Validate(string? name, ManagementOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        var failures = new ValidationFailures();
        failures.Require(options.Port is null or > 0 and <= IPEndPoint.MaxPort, $"Management:Port {options.Port} is not a TCP port.");
        return failures.Result;
    }
}
