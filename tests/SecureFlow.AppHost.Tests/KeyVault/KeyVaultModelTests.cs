using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using SecureFlow.AppHost.Tests.Infrastructure;
using SecureFlow.ServiceDefaults.KeyVault;

namespace SecureFlow.AppHost.Tests.KeyVault;

/// <summary>Least privilege from the model: each service's identity is granted what it uses, and holds only its own key.</summary>
public sealed class KeyVaultModelTests
{
    [Fact]
    public void EachServiceIsGrantedOnlyTheVaultObjectsItUses()
    {
        var builder = DistributedApplication.CreateBuilder();
        var vault = builder.AddKeyVault("vault");
        var apiKey = vault.AddSecret("api-key", builder.AddParameter("api-key-value", "value", secret: true));
        var workload = builder.AddProject<Projects.SecureFlow_Workload>("workload").WithKeyVaultAccess(vault, KeyVaultRole.SecretsUser, apiKey);
        var ingress = builder.AddIngressController("ingress").WithCertificate(vault.AddCertificate("ingress-tls", "*.aks-ingress.secureflow.localhost"))
            .WithRoute("workload.aks-ingress.secureflow.localhost", workload);
        builder.AddApplicationGateway("edge").WithCertificate(vault.AddCertificate("edge-tls", "delta.secureflow.localhost"))
            .WithBackend(ingress, "workload.aks-ingress.secureflow.localhost");

        Assert.Equal(
            [
                new(KeyVaultResource.ProvisioningIdentity, KeyVaultRole.Administrator, null),
                new("workload", KeyVaultRole.SecretsUser, "api-key"),
                new("ingress", KeyVaultRole.CertificateUser, "ingress-tls"),
                new("edge", KeyVaultRole.CertificateUser, "edge-tls"),
                new("edge", KeyVaultRole.SecretsUser, "ingress-tls-root"),
            ],
            vault.Resource.RoleAssignments);
    }

    [Fact]
    public async Task VaultIsHandedItsIdentitiesAndRoleAssignmentsButServicesOnlyTheirOwnKey()
    {
        var builder = DistributedApplication.CreateBuilder();
        var vault = builder.AddKeyVault("vault");
        var workload = builder.AddProject<Projects.SecureFlow_Workload>("workload").WithKeyVaultAccess(vault, KeyVaultRole.Reader);
        vault.Resource.TlsCertificate!.Files = new("/certs/vault.crt", "/certs/vault.key", "/ca/root.crt");

        var environments = await RunModeEnvironment.OfEachAsync(builder, vault.Resource, workload.Resource);
        var (vaultEnvironment, workloadEnvironment) = (environments[0], environments[1]);

        Assert.Equal(workloadEnvironment["Identity__LocalKey"], vaultEnvironment["KeyVault__Identities__workload__Key"]);
        Assert.NotEqual(vaultEnvironment["KeyVault__Identities__apphost__Key"], vaultEnvironment["KeyVault__Identities__workload__Key"]);
        Assert.DoesNotContain(workloadEnvironment, variable => variable.Value == vaultEnvironment["KeyVault__Identities__apphost__Key"]);
        Assert.Equal("workload", vaultEnvironment["KeyVault__RoleAssignments__1__Identity"]);
        Assert.Equal("Reader", vaultEnvironment["KeyVault__RoleAssignments__1__Role"]);
        Assert.Equal("", vaultEnvironment["KeyVault__RoleAssignments__1__ObjectName"]);
        Assert.Equal("/certs/vault.crt", vaultEnvironment["KeyVault__Https__CertificatePath"]);
    }
}
