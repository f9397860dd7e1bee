namespace SecureFlow.AppHost.Publishing;

/// <summary>
/// A Key Vault role assignment the deployment makes: <see cref="Principal"/> (a service's identity) gets
/// <see cref="Role"/> on one secret only, never on the whole vault.
/// </summary>
internal sealed record VaultRoleAssignment(string Principal, KeyVaultRole Role, VaultSecret Secret, string Reason);
