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

    public List<CertificateResource> Certificates { get; } = [];

    public List<KeyVaultSecretResource> Secrets { get; } = [];

    /// <summary>Every grant of the model (Azure RBAC role assignments at the vault or on one object).</summary>
    public List<KeyVaultRoleAssignment> RoleAssignments { get; } = [new(ProvisioningIdentity, KeyVaultRole.Administrator, null)];

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

    internal void Grant(string identity, KeyVaultRole role, string? objectName)
    {
        var assignment = new KeyVaultRoleAssignment(identity, role, objectName);
        if (!RoleAssignments.Contains(assignment))
        {
            RoleAssignments.Add(assignment);
        }
    }
}
