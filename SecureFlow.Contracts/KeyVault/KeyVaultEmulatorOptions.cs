namespace SecureFlow.Contracts.KeyVault;

/// <summary>The local vault as the app model describes it (section <c>KeyVault</c> of the emulator's configuration).</summary>
public sealed class KeyVaultEmulatorOptions : IServiceOptions
{
    public static string SectionName => "KeyVault";

    /// <summary>The HTTPS listener. The emulator has no plain HTTP listener for the vault API.</summary>
    public KeyVaultEmulatorListenerOptions Https { get; set; } = new();

    /// <summary>Where the vault's contents are kept between runs.</summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>The identities that may call the vault, by name, with the key each one signs its tokens with.</summary>
    public Dictionary<string, KeyVaultIdentityOptions> Identities { get; set; } = [];

    /// <summary>What each identity may do: the model's role assignments.</summary>
    public List<KeyVaultRoleAssignmentOptions> RoleAssignments { get; set; } = [];
}
