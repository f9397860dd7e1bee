namespace SecureFlow.Contracts.KeyVault;

/// <summary>One role assignment: an identity holds a role on the vault, or only on one object.</summary>
public sealed class KeyVaultRoleAssignmentOptions
{
    public string Identity { get; set; } = "";

    public KeyVaultRole Role { get; set; }

    /// <summary>The one secret or certificate the role is scoped to; empty for the whole vault.</summary>
    public string? ObjectName { get; set; }
}
