namespace Aspire.Hosting.ApplicationModel;

/// <summary>A secret in the vault; its value comes from a parameter and is set by the provisioning step.</summary>
public sealed class KeyVaultSecretResource(string name, KeyVaultResource vault, ParameterResource value) : Resource(name), IResourceWithParent<KeyVaultResource>
{
    public KeyVaultResource Parent { get; } = vault;

    public ParameterResource Value { get; } = value;
}
