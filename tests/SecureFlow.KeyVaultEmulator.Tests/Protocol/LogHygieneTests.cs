using System.Security.Cryptography.X509Certificates;
using Azure.Security.KeyVault.Certificates;
using SecureFlow.KeyVaultEmulator.Tests.Infrastructure;

namespace SecureFlow.KeyVaultEmulator.Tests.Protocol;

/// <summary>No secret value, private key or token ever reaches the vault's logs, at any level.</summary>
public sealed class LogHygieneTests : VaultTest
{

    [Fact]
    public async Task NoSecretValuePrivateKeyOrTokenIsLogged()
    {
        const string SecretValue = "s3cr3t-value-that-must-never-be-logged";
        using var issued = Vault.IssueCertificate("delta.secureflow.localhost");
        var privateKey = Convert.ToBase64String(issued.GetRSAPrivateKey()!.ExportPkcs8PrivateKey());
        var pfx = issued.Export(X509ContentType.Pkcs12);

        await Vault.SecretClient("provisioner").SetSecretAsync("workload-secret", SecretValue, Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation);
        await Vault.CertificateClient("provisioner").ImportCertificateAsync(new ImportCertificateOptions("edge-tls", pfx), Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation);
        await Vault.SecretClient("workload").GetSecretAsync("workload-secret", cancellationToken: Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation);
        using var downloaded = (await Vault.CertificateClient("edge").DownloadCertificateAsync("edge-tls", cancellationToken: Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation)).Value;
        await Assert.ThrowsAsync<Azure.RequestFailedException>(() =>
            Vault.SecretClient("workload").GetSecretAsync("edge-tls", cancellationToken: Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation));

        var logs = Vault.Logs.All;
        Assert.NotEmpty(Vault.Logs.Lines);
        Assert.DoesNotContain(SecretValue, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(privateKey[..64], logs, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(pfx)[..64], logs, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("Bearer ey", logs, StringComparison.Ordinal);
    }
}
