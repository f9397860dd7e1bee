using System.Security.Cryptography.X509Certificates;
using Azure.Security.KeyVault.Certificates;
using SecureFlow.KeyVaultEmulator.Storage;
using SecureFlow.KeyVaultEmulator.Tests.Infrastructure;

namespace SecureFlow.KeyVaultEmulator.Tests.Storage;

/// <summary>The vault's contents survive a restart, a write interrupted by a kill, and stay private to the user.</summary>
public sealed class PersistenceTests : VaultTest
{

    [Fact]
    public async Task SecretsAndCertificatesSurviveARestart()
    {
        using var issued = Vault.IssueCertificate("delta.secureflow.localhost");
        var set = (await Vault.SecretClient("provisioner").SetSecretAsync("workload-secret", "persisted", Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation)).Value;
        await Vault.CertificateClient("provisioner").ImportCertificateAsync(new ImportCertificateOptions("edge-tls", issued.Export(X509ContentType.Pkcs12)), Cancellation)
            .WaitAsync(InProcessVault.Timeout, Cancellation);

        await Vault.RestartAsync();

        var secret = (await Vault.SecretClient("workload").GetSecretAsync("workload-secret", cancellationToken: Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation)).Value;
        using var certificate = (await Vault.CertificateClient("edge").DownloadCertificateAsync("edge-tls", cancellationToken: Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation)).Value;
        Assert.Equal("persisted", secret.Value);
        Assert.Equal(set.Properties.Version, secret.Properties.Version);
        Assert.Equal(issued.Thumbprint, certificate.Thumbprint);
        Assert.True(certificate.HasPrivateKey);
    }

    [Fact]
    public async Task AWriteInterruptedByAKillLeavesThePreviousContents()
    {
        await Vault.SecretClient("provisioner").SetSecretAsync("workload-secret", "before the kill", Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation);
        await Vault.StopAsync();

        // What a kill between writing the temporary file and renaming it leaves behind: a partial temporary file.
        var partial = Path.Combine(Vault.DataDirectory, VaultStore.FileName + ".0123456789abcdef.tmp");
        await File.WriteAllTextAsync(partial, "{\"Secrets\":{\"workload-secret\":[{\"Vers", Cancellation);
        await Vault.RestartAsync();

        var secret = (await Vault.SecretClient("workload").GetSecretAsync("workload-secret", cancellationToken: Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation)).Value;
        Assert.Equal("before the kill", secret.Value);
        Assert.False(File.Exists(partial));
    }

    [Fact]
    public async Task AnUnreadableDataFileStopsTheVaultInsteadOfStartingEmpty()
    {
        await Vault.SecretClient("provisioner").SetSecretAsync("workload-secret", "kept", Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation);
        await Vault.StopAsync();
        var path = Path.Combine(Vault.DataDirectory, VaultStore.FileName);
        var original = await File.ReadAllBytesAsync(path, Cancellation);
        await File.WriteAllTextAsync(path, "{ not json", Cancellation);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => Vault.RestartAsync());

        Assert.Contains("could not be read", failure.Message, StringComparison.Ordinal);
        Assert.Equal("{ not json", await File.ReadAllTextAsync(path, Cancellation));
        await File.WriteAllBytesAsync(path, original, Cancellation);
    }

    [Fact]
    public async Task TheDataFileIsReadableByTheUserOnly()
    {
        await Vault.SecretClient("provisioner").SetSecretAsync("workload-secret", "private", Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation);

        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("Unix file modes.");
        }
        else
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Vault.DataDirectory, VaultStore.FileName)));
        }
    }
}
