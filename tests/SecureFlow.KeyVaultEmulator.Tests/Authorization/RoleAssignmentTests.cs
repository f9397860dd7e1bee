using System.Security.Cryptography.X509Certificates;
using Azure;
using Azure.Security.KeyVault.Certificates;
using SecureFlow.KeyVaultEmulator.Tests.Infrastructure;

namespace SecureFlow.KeyVaultEmulator.Tests.Authorization;

/// <summary>
/// Each identity can do exactly what its role assignments grant (<see cref="InProcessVault.RoleAssignments"/>);
/// everything else is 403 ForbiddenByRbac, as Azure RBAC answers.
/// </summary>
public sealed class RoleAssignmentTests : VaultTest
{

    /// <summary>Every operation the tests try, by every identity.</summary>
    public static TheoryData<string, string, bool> Matrix() => new()
    {
        { "edge", "download edge-tls", true },
        { "edge", "get ingress-trust-root", true },
        { "edge", "download ingress-tls", false },
        { "edge", "get workload-secret", false },
        { "edge", "list secrets", false },
        { "edge", "import edge-tls", false },
        { "ingress", "download ingress-tls", true },
        { "ingress", "download edge-tls", false },
        { "ingress", "get ingress-trust-root", false },
        { "workload", "get workload-secret", true },
        { "workload", "read edge-tls", false },
        { "workload", "get edge-tls", false },
        { "workload", "set workload-secret", false },
        { "workload", "list secrets", false },
        { "auditor", "read edge-tls", true },
        { "auditor", "list secrets", true },
        { "auditor", "get workload-secret", false },
        { "auditor", "get edge-tls", false },
        { "stranger", "get workload-secret", false },
        { "stranger", "read edge-tls", false },
        { "provisioner", "set workload-secret", true },
        { "provisioner", "import edge-tls", true },
    };

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var secrets = Vault.SecretClient("provisioner");
        var certificates = Vault.CertificateClient("provisioner");
        await secrets.SetSecretAsync("workload-secret", "workload value", Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation);
        await secrets.SetSecretAsync("ingress-trust-root", Vault.Root.ExportCertificatePem(), Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation);
        await ImportAsync(certificates, "edge-tls", "delta.secureflow.localhost");
        await ImportAsync(certificates, "ingress-tls", "*.aks-ingress.secureflow.localhost");
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task IdentityCanDoExactlyWhatItsRolesGrant(string identity, string operation, bool allowed)
    {
        var attempt = Run(identity, operation);

        if (allowed)
        {
            await attempt.WaitAsync(InProcessVault.Timeout, Cancellation);
        }
        else
        {
            var denied = await Assert.ThrowsAsync<RequestFailedException>(() => attempt.WaitAsync(InProcessVault.Timeout, Cancellation));
            Assert.Equal(403, denied.Status);
            Assert.Contains("ForbiddenByRbac", denied.GetRawResponse()!.Content.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task WorkloadReadingTheEdgeCertificateGets403ForbiddenByRbac()
    {
        var denied = await Assert.ThrowsAsync<RequestFailedException>(() =>
            Vault.CertificateClient("workload").DownloadCertificateAsync("edge-tls", cancellationToken: Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation));

        Assert.Equal(403, denied.Status);
        Assert.Equal("Forbidden", denied.ErrorCode);
        Assert.Contains("\"innererror\":{\"code\":\"ForbiddenByRbac\"}", denied.GetRawResponse()!.Content.ToString(), StringComparison.Ordinal);
    }

    private Task Run(string identity, string operation)
    {
        var secrets = Vault.SecretClient(identity);
        var certificates = Vault.CertificateClient(identity);
        var name = operation[(operation.IndexOf(' ', StringComparison.Ordinal) + 1)..];
        return operation.Split(' ')[0] switch
        {
            "download" => certificates.DownloadCertificateAsync(name, cancellationToken: Cancellation),
            "read" => certificates.GetCertificateAsync(name, Cancellation),
            "get" => secrets.GetSecretAsync(name, cancellationToken: Cancellation),
            "set" => secrets.SetSecretAsync(name, "changed", Cancellation),
            "list" => secrets.GetPropertiesOfSecretsAsync(Cancellation).ToListAsync(Cancellation).AsTask(),
            "import" => ImportAsync(certificates, name, "delta.secureflow.localhost"),
            _ => throw new ArgumentException($"Unknown operation '{operation}'.", nameof(operation)),
        };
    }

    private async Task ImportAsync(CertificateClient client, string name, string dnsName)
    {
        using var issued = Vault.IssueCertificate(dnsName);
        await client.ImportCertificateAsync(new ImportCertificateOptions(name, issued.Export(X509ContentType.Pkcs12)), Cancellation)
            .WaitAsync(InProcessVault.Timeout, Cancellation);
    }
}
