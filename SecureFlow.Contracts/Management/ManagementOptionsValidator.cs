using System.Net;

namespace SecureFlow.Contracts.Management;

/// <summary>The one check of the management listener, run at the service's start.</summary>
public sealed class ManagementOptionsValidator : ServiceOptionsValidator<ManagementOptions>
{
    protected override void Check(ManagementOptions options, ValidationFailures failures)
    {
        failures.Require(options.Port is null or > 0 and <= IPEndPoint.MaxPort, $"Management:Port {options.Port} is not a TCP port.");
    }
}
