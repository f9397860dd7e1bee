namespace SecureFlow.AppHost.Publishing.Bicep;

/// <summary>The Azure built-in role definition ids the deployment assigns, declared once (they are the same in every tenant).</summary>
internal static class BuiltInRoles
{
    /// <summary>Key Vault Secrets User: read secret contents, nothing else.</summary>
    public const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";

    /// <summary>Key Vault Certificate User: read certificates with their keys, nothing else.</summary>
    public const string KeyVaultCertificateUser = "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba";

    /// <summary>Key Vault Reader: read metadata, never a secret value.</summary>
    public const string KeyVaultReader = "21090545-7ca7-4776-b22c-e363652d74d2";

    /// <summary>Key Vault Certificates Officer: create and manage certificates (the provisioning script only).</summary>
    public const string KeyVaultCertificatesOfficer = "a4417e6f-fecd-4de8-b567-7b0420556985";

    /// <summary>Key Vault Secrets Officer: create and manage secrets (the provisioning script only).</summary>
    public const string KeyVaultSecretsOfficer = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";

    /// <summary>Key Vault Crypto User: sign (and verify) with a key inside the vault, never read its private part.</summary>
    public const string KeyVaultCryptoUser = "12338af0-0e69-4776-bea7-57ae8d297424";

    /// <summary>Storage File Data Privileged Contributor: the deployment script's container mounts its file share.</summary>
    public const string StorageFileDataPrivilegedContributor = "69566ab7-960f-475b-8e7c-b3118f30c6bd";

    /// <summary>AcrPull: pull images, nothing else.</summary>
    public const string AcrPull = "7f951dda-4ed3-4680-a7ca-43fe172d538d";

    /// <summary>Network Contributor: lets the AKS control plane manage load balancers and routes in the VNet.</summary>
    public const string NetworkContributor = "4d97b98b-1d4f-4787-a291-c67834d212e7";

    /// <summary>The built-in role a model's Key Vault role is, by id and name.</summary>
    public static (string Id, string Name) Of(KeyVaultRole role) => role switch
    {
        KeyVaultRole.SecretsUser => (KeyVaultSecretsUser, "Key Vault Secrets User"),
        KeyVaultRole.CertificateUser => (KeyVaultCertificateUser, "Key Vault Certificate User"),
        KeyVaultRole.Reader => (KeyVaultReader, "Key Vault Reader"),
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "A deployed service is never granted this Key Vault role."),
    };

    /// <summary>A variable declaration naming the role: <c>subscriptionResourceId(...)</c> of its id.</summary>
    public static BicepExpression Declare(BicepFile file, string variable, string roleId, string roleName) =>
        file.Variable(variable, BicepSyntax.Expr($"subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '{roleId}')"),
            $"Built-in role '{roleName}'.");
}
