namespace SecureFlow.KeyVaultEmulator.Authorization;

/// <summary>What a request does, as Key Vault's RBAC data actions name it.</summary>
public enum VaultAction
{
    /// <summary><c>Microsoft.KeyVault/vaults/secrets/getSecret/action</c>: read a secret's value (and a certificate's private key).</summary>
    GetSecret,

    /// <summary><c>Microsoft.KeyVault/vaults/secrets/readMetadata/action</c>: list secrets and versions, read properties.</summary>
    ReadSecretMetadata,

    /// <summary><c>Microsoft.KeyVault/vaults/secrets/setSecret/action</c> and delete: change secrets.</summary>
    WriteSecret,

    /// <summary><c>Microsoft.KeyVault/vaults/certificates/read</c>: read certificates' public parts and policies.</summary>
    ReadCertificate,

    /// <summary><c>Microsoft.KeyVault/vaults/certificates/import/action</c> and create: add certificate versions.</summary>
    WriteCertificate,

    /// <summary><c>Microsoft.KeyVault/vaults/keys/read</c>: read a key's public part and attributes.</summary>
    ReadKey,

    /// <summary><c>Microsoft.KeyVault/vaults/keys/create/action</c>: create a key (or a new version of one).</summary>
    CreateKey,

    /// <summary><c>Microsoft.KeyVault/vaults/keys/sign/action</c>: sign a digest with a key inside the vault.</summary>
    SignWithKey,
}
