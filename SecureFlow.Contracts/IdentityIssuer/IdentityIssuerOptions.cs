namespace SecureFlow.Contracts.IdentityIssuer;

/// <summary>
/// What the service identity issuer keeps current (section <c>IdentityIssuer</c>): every identity of the model, issued
/// from one root whose key is a non-exportable Key Vault key, renewed when it has fewer than
/// <see cref="RenewBeforeDays"/> days left.
/// </summary>
public sealed class IdentityIssuerOptions : IServiceOptions
{
    public static string SectionName => "IdentityIssuer";

    /// <summary>The Key Vault key that signs the root and every identity; its private part never leaves the vault.</summary>
    public string RootKeyName { get; set; } = "mesh-root";

    /// <summary>The root certificate's common name (organization <c>SecureFlow</c>).</summary>
    public string RootCommonName { get; set; } = "SecureFlow mesh root";

    /// <summary>How long the root certificate is valid, from the key version's creation.</summary>
    public int RootValidityDays { get; set; } = 3650;

    /// <summary>How long an identity is valid.</summary>
    public int ValidityDays { get; set; } = 90;

    /// <summary>An identity with fewer days left than this is issued again, with a new key.</summary>
    public int RenewBeforeDays { get; set; } = 30;

    public List<IssuedIdentityOptions> Identities { get; set; } = [];
}
