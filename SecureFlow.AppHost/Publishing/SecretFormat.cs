namespace SecureFlow.AppHost.Publishing;

/// <summary>How a certificate is stored in Key Vault, chosen by what reads it.</summary>
internal enum SecretFormat
{
    /// <summary>Application Gateway reads listener certificates as base64 PKCS#12.</summary>
    Pkcs12,

    /// <summary>The Secrets Store CSI driver mounts PEM (key and certificate in one file) for the ingress pods.</summary>
    Pem,

    /// <summary>
    /// A trust root: the issuer's certificate only (no key), as the password-less base64 PKCS#12 Application Gateway
    /// reads a Key Vault trusted root certificate from.
    /// </summary>
    TrustedRoot,

    /// <summary>A secret of the model (<c>vault.AddSecret</c>): its value as is; in Azure generated in the vault unless present.</summary>
    Value,
}
