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

/// <summary>The emulator's HTTPS listener and its own TLS certificate (issued by the development CA).</summary>
public sealed class KeyVaultEmulatorListenerOptions
{
    public int Port { get; set; }

    /// <summary>PEM certificate of the vault's TLS certificate.</summary>
    public string CertificatePath { get; set; } = "";

    /// <summary>PEM private key of the vault's TLS certificate.</summary>
    public string KeyPath { get; set; } = "";
}

/// <summary>One identity that may call the vault.</summary>
public sealed class KeyVaultIdentityOptions
{
    /// <summary>The base64 key the identity signs its tokens with. Never logged.</summary>
    public string Key { get; set; } = "";
}

/// <summary>One role assignment: an identity holds a role on the vault, or only on one object.</summary>
public sealed class KeyVaultRoleAssignmentOptions
{
    public string Identity { get; set; } = "";

    public KeyVaultRole Role { get; set; }

    /// <summary>The one secret or certificate the role is scoped to; empty for the whole vault.</summary>
    public string? ObjectName { get; set; }
}
