namespace SecureFlow.KeyVaultEmulator.Storage;

/// <summary>Key Vault's <c>attributes</c>: times in Unix seconds.</summary>
public sealed record VaultAttributes(bool Enabled, long Created, long Updated, long? NotBefore = null, long? Expires = null)
{
    public static VaultAttributes CreatedNow(bool enabled = true, long? notBefore = null, long? expires = null)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new VaultAttributes(enabled, now, now, notBefore, expires);
    }
}
