namespace SecureFlow.Contracts.KeyVault;

/// <summary>Where the service's Key Vault is, and what of it the model grants the service (section <c>KeyVault</c>).</summary>
public sealed class KeyVaultConnectionOptions : IServiceOptions
{
    public static string SectionName => "KeyVault";

    /// <summary>The vault URI: <c>https://NAME.vault.azure.net/</c> in Azure, the emulator's HTTPS endpoint locally.</summary>
    public Uri? Uri { get; set; }

    /// <summary>
    /// A PEM root to trust for the vault's TLS certificate instead of the system store (the local development CA);
    /// unset in Azure, where the vault's certificate chains to a public root.
    /// </summary>
    public string? TrustedRootPath { get; set; }

    /// <summary>The one secret the model lets this service read (<c>WithKeyVaultAccess(vault, role, secret)</c>).</summary>
    public string? SecretName { get; set; }
}
