using System.Net;

namespace SecureFlow.Contracts.MutualTls;

/// <summary>The one check of a service's mutual TLS identity, run at the service's start and by the model when it writes it.</summary>
public sealed class MutualTlsOptionsValidator : ServiceOptionsValidator<MutualTlsOptions>
{
    public static MutualTlsOptionsValidator Instance { get; } = new();

    protected override void Check(MutualTlsOptions options, ValidationFailures failures)
    {
        var id = options.SpiffeId;
        failures.Require(SpiffeId.IsValid(id), $"MutualTls: SpiffeId '{id}' is not of the form spiffe://TRUST-DOMAIN/ns/NAMESPACE/sa/SERVICE.");
        failures.Require(options.CertificateName is { Length: > 0 } != (options.CertificatePath is { Length: > 0 }),
            $"MutualTls '{id}': name either CertificateName (Key Vault) or CertificatePath and KeyPath (files), one of the two.");
        failures.Require(options.TrustedRootSecretName is { Length: > 0 } != (options.TrustedRootPath is { Length: > 0 }),
            $"MutualTls '{id}': name either TrustedRootSecretName (Key Vault) or TrustedRootPath (a file), one of the two.");
        failures.Require(options.CertificatePath is null || options.KeyPath is { Length: > 0 }, $"MutualTls '{id}': CertificatePath needs KeyPath.");
        failures.Require(options.RefreshInterval > TimeSpan.Zero, $"MutualTls '{id}': the refresh interval must be positive, not {options.RefreshInterval}.");
        failures.Require(options.Port is null or (> 0 and <= IPEndPoint.MaxPort), $"MutualTls '{id}': the port {options.Port} is not a TCP port.");
        failures.Require(string.Equals(options.Address, "localhost", StringComparison.OrdinalIgnoreCase) || IPAddress.TryParse(options.Address, out _),
            $"MutualTls '{id}': the listener address '{options.Address}' is neither localhost nor an IP address.");
        foreach (var caller in options.AllowedCallers)
        {
            failures.Require(SpiffeId.IsValid(caller), $"MutualTls '{id}': allowed caller '{caller}' is not a SPIFFE id.");
        }
    }
}
