namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// One role assignment: <paramref name="Identity"/> (a resource's name: its managed or workload identity in Azure)
/// holds <paramref name="Role"/> on the vault, or only on <paramref name="ObjectName"/>.
/// </summary>
public sealed record KeyVaultRoleAssignment(string Identity, KeyVaultRole Role, string? ObjectName);
