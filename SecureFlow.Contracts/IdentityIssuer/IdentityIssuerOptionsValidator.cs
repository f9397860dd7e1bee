using SecureFlow.Contracts.KeyVault;
using SecureFlow.Contracts.MutualTls;

namespace SecureFlow.Contracts.IdentityIssuer;

/// <summary>The one check of what the issuer is asked to keep, at its start and when the model writes it.</summary>
public sealed class IdentityIssuerOptionsValidator : ServiceOptionsValidator<IdentityIssuerOptions>
{
    public static IdentityIssuerOptionsValidator Instance { get; } = new();

    protected override void Check(IdentityIssuerOptions options, ValidationFailures failures)
    {
        failures.Require(KeyVaultNames.IsValid(options.RootKeyName), $"IdentityIssuer: RootKeyName '{options.RootKeyName}' is not a Key Vault name.");
        failures.Require(options.RootCommonName.Length > 0, "IdentityIssuer: RootCommonName is empty.");
        failures.Require(options.ValidityDays > 0, $"IdentityIssuer: ValidityDays must be positive, not {options.ValidityDays}.");
        failures.Require(options.RenewBeforeDays > 0 && options.RenewBeforeDays < options.ValidityDays,
            $"IdentityIssuer: RenewBeforeDays ({options.RenewBeforeDays}) must be positive and less than ValidityDays ({options.ValidityDays}), or every run would issue again.");
        failures.Require(options.RootValidityDays > options.ValidityDays,
            $"IdentityIssuer: RootValidityDays ({options.RootValidityDays}) must exceed ValidityDays ({options.ValidityDays}).");
        failures.Require(options.Identities.Count > 0, "IdentityIssuer: no identities to issue; the model declares them with WithMutualTls.");
        foreach (var identity in options.Identities)
        {
            failures.Require(KeyVaultNames.IsValid(identity.CertificateName), $"IdentityIssuer: '{identity.CertificateName}' is not a Key Vault name.");
            failures.Require(SpiffeId.IsValid(identity.SpiffeId), $"IdentityIssuer '{identity.CertificateName}': '{identity.SpiffeId}' is not a SPIFFE id.");
            failures.Require(identity.DnsNames.Count > 0 && identity.DnsNames.All(name => Uri.CheckHostName(name) == UriHostNameType.Dns),
                $"IdentityIssuer '{identity.CertificateName}': DnsNames must hold at least one DNS name.");
        }

        failures.Require(options.Identities.Select(identity => identity.CertificateName).Distinct(StringComparer.OrdinalIgnoreCase).Count() == options.Identities.Count,
            "IdentityIssuer: two identities share a certificate name.");
    }
}
