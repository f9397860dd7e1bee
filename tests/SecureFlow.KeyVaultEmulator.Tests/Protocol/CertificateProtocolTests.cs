using System.Security.Cryptography.X509Certificates;
using Azure.Security.KeyVault.Certificates;
using SecureFlow.KeyVaultEmulator.Tests.Infrastructure;

namespace SecureFlow.KeyVaultEmulator.Tests.Protocol;

/// <summary>The unmodified CertificateClient against the emulator: import, get, versions, policy, create, download with the key.</summary>
public sealed class CertificateProtocolTests : VaultTest
{

    [Fact]
    public async Task ImportedPfxDownloadsWithItsPrivateKey()
    {
        using var issued = Vault.IssueCertificate("delta.secureflow.localhost");
        var client = Vault.CertificateClient("provisioner");

        var imported = (await client.ImportCertificateAsync(new ImportCertificateOptions("edge-tls", issued.Export(X509ContentType.Pkcs12)), Cancellation)
            .WaitAsync(InProcessVault.Timeout, Cancellation)).Value;
        using var downloaded = (await client.DownloadCertificateAsync("edge-tls", cancellationToken: Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation)).Value;

        Assert.Equal(issued.Thumbprint, downloaded.Thumbprint);
        Assert.True(downloaded.HasPrivateKey);
        Assert.Equal(issued.GetRSAPublicKey()!.ExportSubjectPublicKeyInfo(), downloaded.GetRSAPrivateKey()!.ExportSubjectPublicKeyInfo());
        Assert.Equal(new Uri(Vault.VaultUri, "secrets/edge-tls/" + imported.Properties.Version), imported.SecretId);
        Assert.Equal(new Uri(Vault.VaultUri, "keys/edge-tls/" + imported.Properties.Version), imported.KeyId);
        Assert.Equal(issued.GetCertHash(), imported.Properties.X509Thumbprint);
        Assert.Equal(issued.RawData, imported.Cer);
        Assert.Equal(CertificateContentType.Pkcs12, imported.Policy.ContentType);
    }

    [Fact]
    public async Task ImportedPemDownloadsWithItsPrivateKey()
    {
        using var issued = Vault.IssueCertificate("*.aks-ingress.secureflow.localhost");
        var pem = issued.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem() + "\n" + issued.ExportCertificatePem();
        var client = Vault.CertificateClient("provisioner");
        var options = new ImportCertificateOptions("ingress-tls", System.Text.Encoding.ASCII.GetBytes(pem))
        {
            Policy = new CertificatePolicy(WellKnownIssuerNames.Unknown, "CN=*.aks-ingress.secureflow.localhost") { ContentType = CertificateContentType.Pem },
        };

        await client.ImportCertificateAsync(options, Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation);
        using var downloaded = (await client.DownloadCertificateAsync("ingress-tls", cancellationToken: Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation)).Value;

        Assert.Equal(issued.Thumbprint, downloaded.Thumbprint);
        Assert.True(downloaded.HasPrivateKey);
    }

    [Fact]
    public async Task EachImportIsANewVersionAndTheOldOneStaysReadable()
    {
        using var first = Vault.IssueCertificate("delta.secureflow.localhost");
        using var second = Vault.IssueCertificate("delta.secureflow.localhost");
        var client = Vault.CertificateClient("provisioner");
        var v1 = (await client.ImportCertificateAsync(new ImportCertificateOptions("edge-tls", first.Export(X509ContentType.Pkcs12)), Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation)).Value;
        await client.ImportCertificateAsync(new ImportCertificateOptions("edge-tls", second.Export(X509ContentType.Pkcs12)), Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation);

        var latest = (await client.GetCertificateAsync("edge-tls", Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation)).Value;
        var older = (await client.GetCertificateVersionAsync("edge-tls", v1.Properties.Version, Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation)).Value;
        var versions = await client.GetPropertiesOfCertificateVersionsAsync("edge-tls", Cancellation).ToListAsync(Cancellation).AsTask().WaitAsync(InProcessVault.Timeout, Cancellation);
        var policy = (await client.GetCertificatePolicyAsync("edge-tls", Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation)).Value;

        Assert.Equal(second.RawData, latest.Cer);
        Assert.Equal(first.RawData, older.Cer);
        Assert.Equal(2, versions.Count);
        Assert.Contains("delta.secureflow.localhost", policy.SubjectAlternativeNames.DnsNames);
    }

    [Fact]
    public async Task SelfIssuedCertificateIsCreatedThroughTheOperationAndDownloads()
    {
        var client = Vault.CertificateClient("provisioner");
        var policy = new CertificatePolicy(WellKnownIssuerNames.Self, "CN=created.secureflow.localhost", new SubjectAlternativeNames { DnsNames = { "created.secureflow.localhost" } })
        {
            KeySize = 2048,
        };

        var operation = await client.StartCreateCertificateAsync("created", policy, cancellationToken: Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation);
        var created = (await operation.WaitForCompletionAsync(Cancellation).AsTask().WaitAsync(InProcessVault.Timeout, Cancellation)).Value;
        using var downloaded = (await client.DownloadCertificateAsync("created", cancellationToken: Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation)).Value;

        Assert.Equal("CN=created.secureflow.localhost", downloaded.Subject);
        Assert.True(downloaded.HasPrivateKey);
        Assert.Equal(created.Cer, downloaded.RawData);
    }

    [Fact]
    public async Task MissingCertificateAnswers404CertificateNotFound()
    {
        var missing = await Assert.ThrowsAsync<Azure.RequestFailedException>(() =>
            Vault.CertificateClient("provisioner").GetCertificateAsync("absent", Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation));

        Assert.Equal(404, missing.Status);
        Assert.Equal("CertificateNotFound", missing.ErrorCode);
    }
}
