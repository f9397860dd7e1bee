namespace SecureFlow.Contracts.KeyVault;

/// <summary>The emulator's HTTPS listener and its own TLS certificate (issued by the development CA).</summary>
public sealed class KeyVaultEmulatorListenerOptions
{
    public int Port { get; set; }

    /// <summary>PEM certificate of the vault's TLS certificate.</summary>
    public string CertificatePath { get; set; } = "";

    /// <summary>PEM private key of the vault's TLS certificate.</summary>
    public string KeyPath { get; set; } = "";
}
