using SecureFlow.ServiceDefaults.KeyVault;

namespace SecureFlow.KeyVaultEmulator.Configuration;

/// <summary>The local vault as the app model describes it (configuration section <c>KeyVault</c>).</summary>
public sealed class EmulatorOptions
{
    public const string SectionName = "KeyVault";

    /// <summary>The audience Key Vault tokens are issued for, and the <c>resource</c> of the challenge.</summary>
    public const string Audience = "https://vault.azure.net";

    /// <summary>The HTTPS listener. The emulator has no plain HTTP listener for the vault API.</summary>
    public HttpsOptions Https { get; set; } = new();

    /// <summary>Where the vault's contents are kept between runs.</summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>The identities that may call the vault, by name, with the key each one signs its tokens with.</summary>
    public Dictionary<string, IdentityOptions> Identities { get; set; } = [];

    /// <summary>What each identity may do: the model's role assignments.</summary>
    public List<RoleAssignmentOptions> RoleAssignments { get; set; } = [];
}

public sealed class HttpsOptions
{
    public int Port { get; set; }

    /// <summary>PEM certificate and key of the vault's own TLS certificate (issued by the development CA).</summary>
    public string CertificatePath { get; set; } = "";

    public string KeyPath { get; set; } = "";
}

public sealed class IdentityOptions
{
    /// <summary>The base64 key the identity signs its tokens with. Never logged.</summary>
    public string Key { get; set; } = "";
}

public sealed class RoleAssignmentOptions
{
    public string Identity { get; set; } = "";

    public KeyVaultRole Role { get; set; }

    /// <summary>The one secret or certificate the role is scoped to; empty for the whole vault.</summary>
    public string? ObjectName { get; set; }
}
