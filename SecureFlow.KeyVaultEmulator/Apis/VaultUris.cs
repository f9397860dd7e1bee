namespace SecureFlow.KeyVaultEmulator.Apis;

/// <summary>Key Vault ids are absolute URLs of the vault the client called: <c>https://HOST/secrets/NAME/VERSION</c>.</summary>
public sealed class VaultUris(HttpRequest request)
{
    private readonly string _vault = $"https://{request.Host}";

    public string Secret(string name, string? version = null) => Object("secrets", name, version);

    public string Certificate(string name, string? version = null) => Object("certificates", name, version);

    public string Key(string name, string version) => Object("keys", name, version);

    public string CertificatePolicy(string name) => $"{_vault}/certificates/{name}/policy";

    public string PendingOperation(string name) => $"{_vault}/certificates/{name}/pending";

    private string Object(string collection, string name, string? version) =>
        version is null ? $"{_vault}/{collection}/{name}" : $"{_vault}/{collection}/{name}/{version}";
}
