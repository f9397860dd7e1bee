using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure;
using Azure.Security.KeyVault.Certificates;
using SecureFlow.KeyVaultEmulator.Tests.Infrastructure;

namespace SecureFlow.KeyVaultEmulator.Tests.Protocol;

/// <summary>
/// The unmodified CertificateClient with the Unknown issuer: the vault makes the key and a signing request, an outside
/// issuer signs, the merge completes the certificate, which then downloads with its key and chain.
/// </summary>
public sealed class PendingCertificateProtocolTests : VaultTest
{
    private static readonly CertificatePolicy Policy = new(WellKnownIssuerNames.Unknown, "CN=orders.secureflow.localhost, O=SecureFlow")
    {
        KeyType = CertificateKeyType.Rsa,
        KeySize = 2048,
        ContentType = CertificateContentType.Pem,
    };

    [Fact]
    public async Task CreateWithTheUnknownIssuerIsPendingWithASigningRequestForTheVaultsKey()
    {
        var client = Vault.CertificateClient("certificates-officer");

        var operation = await client.StartCreateCertificateAsync("orders-mtls", Policy, cancellationToken: Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation);
        await operation.UpdateStatusAsync(Cancellation).AsTask().WaitAsync(InProcessVault.Timeout, Cancellation);

        Assert.False(operation.HasCompleted);
        Assert.Equal("inProgress", operation.Properties.Status);
        var request = CertificateRequest.LoadSigningRequest(operation.Properties.Csr, HashAlgorithmName.SHA256);
        Assert.Equal("CN=orders.secureflow.localhost, O=SecureFlow", request.SubjectName.Name);
        var pendingKey = Vault.Read(contents => contents.PendingCertificates["orders-mtls"].PrivateKey);
        Assert.Equal(Keys.VaultKeyMaterial.SubjectPublicKeyInfo(pendingKey), request.PublicKey.ExportSubjectPublicKeyInfo());
        await Assert.ThrowsAsync<RequestFailedException>(() => client.GetCertificateAsync("orders-mtls", Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation));
    }

    [Fact]
    public async Task MergedCertificateDownloadsWithThePendingKeyAndItsChain()
    {
        var client = Vault.CertificateClient("certificates-officer");
        var operation = await client.StartCreateCertificateAsync("orders-mtls", Policy, cancellationToken: Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation);
        using var issuer = OutsideIssuer();
        using var signed = Sign(issuer, operation.Properties.Csr);

        var merged = (await client.MergeCertificateAsync(new MergeCertificateOptions("orders-mtls", [signed.RawData, issuer.RawData]), Cancellation)
            .WaitAsync(InProcessVault.Timeout, Cancellation)).Value;
        var pending = await client.GetCertificateOperationAsync("orders-mtls", Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation);
        using var downloaded = (await Vault.CertificateClient("orders").DownloadCertificateAsync("orders-mtls", cancellationToken: Cancellation)
            .WaitAsync(InProcessVault.Timeout, Cancellation)).Value;
        var secret = (await Vault.SecretClient("provisioner").GetSecretAsync("orders-mtls", cancellationToken: Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation)).Value;

        Assert.Equal(signed.RawData, merged.Cer);
        Assert.Equal("completed", pending.Properties.Status);
        Assert.True(downloaded.HasPrivateKey);
        Assert.Equal(signed.Thumbprint, downloaded.Thumbprint);
        var pem = new X509Certificate2Collection();
        pem.ImportFromPem(secret.Value);
        Assert.Equal([signed.Thumbprint, issuer.Thumbprint], pem.Select(certificate => certificate.Thumbprint));
        Assert.Contains("-----BEGIN PRIVATE KEY-----", secret.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MergeOfACertificateForAnotherKeyIsRefusedAndLeavesItPending()
    {
        var client = Vault.CertificateClient("certificates-officer");
        await client.StartCreateCertificateAsync("orders-mtls", Policy, cancellationToken: Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation);
        using var issuer = OutsideIssuer();
        using var otherKey = RSA.Create(2048);
        using var other = Sign(issuer, new CertificateRequest("CN=orders.secureflow.localhost, O=SecureFlow", otherKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequest());

        var refused = await Assert.ThrowsAsync<RequestFailedException>(() =>
            client.MergeCertificateAsync(new MergeCertificateOptions("orders-mtls", [other.RawData]), Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation));
        var operation = await client.GetCertificateOperationAsync("orders-mtls", Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation);

        Assert.Equal(400, refused.Status);
        Assert.Contains("does not match", refused.Message, StringComparison.Ordinal);
        Assert.Equal("inProgress", operation.Properties.Status);
    }

    [Fact]
    public async Task CertificateUserMayNeitherCreateNorMerge()
    {
        var refused = await Assert.ThrowsAsync<RequestFailedException>(() =>
            Vault.CertificateClient("orders").StartCreateCertificateAsync("orders-mtls", Policy, cancellationToken: Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation));
        await Vault.CertificateClient("certificates-officer").StartCreateCertificateAsync("orders-mtls", Policy, cancellationToken: Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation);
        using var issuer = OutsideIssuer();
        var mergeRefused = await Assert.ThrowsAsync<RequestFailedException>(() =>
            Vault.CertificateClient("orders").MergeCertificateAsync(new MergeCertificateOptions("orders-mtls", [issuer.RawData]), Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation));

        Assert.Equal(403, refused.Status);
        Assert.Equal(403, mergeRefused.Status);
    }

    private static X509Certificate2 OutsideIssuer()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=outside issuer, O=SecureFlow", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30));
    }

    private static X509Certificate2 Sign(X509Certificate2 issuer, byte[] signingRequest)
    {
        var requested = CertificateRequest.LoadSigningRequest(signingRequest, HashAlgorithmName.SHA256);
        var request = new CertificateRequest(requested.SubjectName, requested.PublicKey, HashAlgorithmName.SHA256);
        using var key = issuer.GetRSAPrivateKey()!;
        return request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForRSA(key, RSASignaturePadding.Pkcs1), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(7), [1, 2, 3, 4]);
    }
}
