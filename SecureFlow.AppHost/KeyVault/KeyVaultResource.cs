using System.Collections.Concurrent;
using SecureFlow.ServiceDefaults.Identity;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Azure Key Vault in the model: the certificates and secrets it holds and who may read what. In run mode it is
/// SecureFlow.KeyVaultEmulator (the same REST API, HTTPS only, the same RBAC decisions); in Azure a vault with RBAC.
/// </summary>
public sealed class KeyVaultResource(string name) : ProjectResource(name)
{
    /// <summary>The vault API's endpoint (HTTPS only).</summary>
    public const string HttpsEndpointName = "https";

    /// <summary>The plain loopback endpoint that serves health checks and nothing else.</summary>
    public const string ManagementEndpointName = "management";

    /// <summary>The identity of the deployment step that puts certificates and secrets into the vault.</summary>
    public const string ProvisioningIdentity = "apphost";

    private readonly ConcurrentDictionary<string, string> _identityKeys = new(StringComparer.Ordinal);

    private readonly List<CertificateResource> _certificates = [];
    private readonly List<KeyVaultSecretResource> _secrets = [];
    private readonly List<KeyVaultRoleAssignment> _roleAssignments = [new(ProvisioningIdentity, KeyVaultRole.Administrator, null)];

    /// <summary>The certificates the vault holds (<c>vault.AddCertificate</c>).</summary>
    public IReadOnlyList<CertificateResource> Certificates => _certificates;

    /// <summary>The secrets the vault holds (<c>vault.AddSecret</c>).</summary>
    public IReadOnlyList<KeyVaultSecretResource> Secrets => _secrets;

    /// <summary>Every grant of the model (Azure RBAC role assignments at the vault or on one object).</summary>
    public IReadOnlyList<KeyVaultRoleAssignment> RoleAssignments => _roleAssignments;

    /// <summary>How often gateways look for new certificate versions (Application Gateway: every 4 hours).</summary>
    public TimeSpan CertificateRefreshInterval { get; internal set; } = TimeSpan.FromSeconds(5);

    /// <summary>The vault's own TLS certificate, issued by the development CA in run mode.</summary>
    public CertificateResource? TlsCertificate { get; internal set; }

    public EndpointReference HttpsEndpoint => new(this, HttpsEndpointName);

    /// <summary>
    /// Run mode: the key <paramref name="identity"/> signs its tokens with, made for this run and handed only to that
    /// service and to the emulator.
    /// </summary>
    internal string IdentityKey(string identity) => _identityKeys.GetOrAdd(identity, _ => LocalIdentityToken.GenerateKey());

    internal void Add(CertificateResource certificate) => _certificates.Add(certificate);

    internal void Add(KeyVaultSecretResource secret) => _secrets.Add(secret);

    internal void Grant(string identity, KeyVaultRole role, string? objectName)
    {
        var assignment = new KeyVaultRoleAssignment(identity, role, objectName);
        if (!_roleAssignments.Contains(assignment))
        {
            _roleAssignments.Add(assignment);
        }
    }
}
