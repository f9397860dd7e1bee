namespace SecureFlow.Contracts.Gateways;

/// <summary>
/// A certificate and its private key: from Key Vault (<see cref="FromKeyVault"/>, downloaded with the gateway's own
/// identity) or as PEM files, the shape the Secrets Store CSI driver mounts.
/// </summary>
public sealed class GatewayCertificateOptions
{
    /// <summary>Download the Key Vault certificate of this entry's name, with its private key.</summary>
    public bool FromKeyVault { get; set; }

    public string CertificatePath { get; set; } = "";

    public string KeyPath { get; set; } = "";
}
