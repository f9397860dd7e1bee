using System.Net;
using System.Net.Http.Headers;
using Azure;
using Azure.Security.KeyVault.Secrets;
using SecureFlow.KeyVaultEmulator.Tests.Infrastructure;

namespace SecureFlow.KeyVaultEmulator.Tests.Protocol;

/// <summary>The unmodified SecretClient against the emulator: challenge authentication, then every operation it uses.</summary>
public sealed class SecretProtocolTests : VaultTest
{

    [Fact]
    public async Task SecretClientSetsThenGetsTheLatestAndEachVersion()
    {
        var client = Vault.SecretClient("provisioner");

        var first = (await client.SetSecretAsync("workload-secret", "first value", Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation)).Value;
        var second = (await client.SetSecretAsync("workload-secret", "second value", Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation)).Value;

        var latest = (await client.GetSecretAsync("workload-secret", cancellationToken: Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation)).Value;
        var older = (await client.GetSecretAsync("workload-secret", first.Properties.Version, Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation)).Value;
        Assert.Equal("second value", latest.Value);
        Assert.Equal(second.Properties.Version, latest.Properties.Version);
        Assert.Equal("first value", older.Value);
        Assert.Equal(new Uri(Vault.VaultUri, $"secrets/workload-secret/{second.Properties.Version}"), latest.Id);
        Assert.Equal(32, latest.Properties.Version.Length);
        Assert.True(latest.Properties.UpdatedOn > DateTimeOffset.UtcNow.AddMinutes(-1));
    }

    [Fact]
    public async Task SecretClientListsSecretsAndVersionsWithoutTheirValues()
    {
        var client = Vault.SecretClient("provisioner");
        await client.SetSecretAsync("one", "1", Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation);
        await client.SetSecretAsync("two", "2a", Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation);
        await client.SetSecretAsync("two", "2b", Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation);

        var names = await client.GetPropertiesOfSecretsAsync(Cancellation).Select(secret => secret.Name).ToListAsync(Cancellation).AsTask().WaitAsync(InProcessVault.Timeout, Cancellation);
        var versions = await client.GetPropertiesOfSecretVersionsAsync("two", Cancellation).ToListAsync(Cancellation).AsTask().WaitAsync(InProcessVault.Timeout, Cancellation);

        Assert.Equal(["one", "two"], names.Order());
        Assert.Equal(2, versions.Count);
        Assert.All(versions, version => Assert.Equal(new Uri(Vault.VaultUri, "secrets/two/" + version.Version), version.Id));
    }

    [Fact]
    public async Task UpdatingPropertiesChangesContentTypeAndTagsButKeepsTheValue()
    {
        var client = Vault.SecretClient("provisioner");
        var secret = (await client.SetSecretAsync("workload-secret", "kept", Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation)).Value;
        secret.Properties.ContentType = "text/plain";
        secret.Properties.Tags["owner"] = "workload";

        var updated = (await client.UpdateSecretPropertiesAsync(secret.Properties, Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation)).Value;
        var read = (await client.GetSecretAsync("workload-secret", cancellationToken: Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation)).Value;

        Assert.Equal("text/plain", updated.ContentType);
        Assert.Equal("workload", read.Properties.Tags["owner"]);
        Assert.Equal("kept", read.Value);
    }

    [Fact]
    public async Task DeletedSecretIsGoneAndAGetAnswers404SecretNotFound()
    {
        var client = Vault.SecretClient("provisioner");
        await client.SetSecretAsync("short-lived", "value", Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation);

        var operation = await client.StartDeleteSecretAsync("short-lived", Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation);
        await operation.WaitForCompletionAsync(Cancellation).AsTask().WaitAsync(InProcessVault.Timeout, Cancellation);

        var missing = await Assert.ThrowsAsync<RequestFailedException>(
            () => client.GetSecretAsync("short-lived", cancellationToken: Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation));
        Assert.Equal(404, missing.Status);
        Assert.Equal("SecretNotFound", missing.ErrorCode);
    }

    [Fact]
    public async Task LatestVersionIsServedAtTheSecretPathWithATrailingSlash()
    {
        await Vault.SecretClient("provisioner").SetSecretAsync("workload-secret", "latest", Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation);
        using var http = Vault.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "secrets/workload-secret/?api-version=7.6");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Vault.TokenFor("workload"));

        using var response = await http.SendAsync(request, Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"value\":\"latest\"", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SettingASecretThatBacksACertificateAnswers409Conflict()
    {
        using var certificate = Vault.IssueCertificate("delta.secureflow.localhost");
        await Vault.CertificateClient("provisioner")
            .ImportCertificateAsync(new Azure.Security.KeyVault.Certificates.ImportCertificateOptions("edge-tls", certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12)), Cancellation)
            .WaitAsync(InProcessVault.Timeout, Cancellation);

        var conflict = await Assert.ThrowsAsync<RequestFailedException>(() =>
            Vault.SecretClient("provisioner").SetSecretAsync("edge-tls", "overwrite", Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation));

        Assert.Equal(409, conflict.Status);
        Assert.Equal("Conflict", conflict.ErrorCode);
    }
}
