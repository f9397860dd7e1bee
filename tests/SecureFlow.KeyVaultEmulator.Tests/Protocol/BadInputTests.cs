using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Azure.Security.KeyVault.Secrets;
using SecureFlow.KeyVaultEmulator.Tests.Infrastructure;

namespace SecureFlow.KeyVaultEmulator.Tests.Protocol;

/// <summary>Bad input gets Key Vault-shaped errors and leaves what is stored untouched.</summary>
public sealed class BadInputTests : VaultTest
{
    private SecretClient _secrets = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _secrets = Vault.SecretClient("provisioner");
        await _secrets.SetSecretAsync("workload-secret", "original", Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation);
    }

    [Theory]
    [InlineData("{\"value\":")]
    [InlineData("[\"value\"]")]
    [InlineData("{\"value\":42}")]
    [InlineData("{\"value\":\"x\",\"attributes\":{\"enabled\":\"yes\"}}")]
    [InlineData("{\"value\":\"x\",\"tags\":{\"owner\":1}}")]
    [InlineData("")]
    public async Task MalformedSecretGets400BadParameterAndTheStoredValueStays(string body)
    {
        var (status, content) = await SendAsync(HttpMethod.Put, "secrets/workload-secret?api-version=7.6", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("\"code\":\"BadParameter\"", content, StringComparison.Ordinal);
        await AssertStoredValueIsOriginalAsync();
    }

    [Fact]
    public async Task OversizedBodyGets413AndTheStoredValueStays()
    {
        var (status, content) = await SendAsync(HttpMethod.Put, "secrets/workload-secret?api-version=7.6", $"{{\"value\":\"{new string('x', 400_000)}\"}}");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("\"code\":\"RequestEntityTooLarge\"", content, StringComparison.Ordinal);
        await AssertStoredValueIsOriginalAsync();
    }

    [Fact]
    public async Task SecretValueOverKeyVaultsLimitGets400()
    {
        var (status, content) = await SendAsync(HttpMethod.Put, "secrets/workload-secret?api-version=7.6", $"{{\"value\":\"{new string('x', 30_000)}\"}}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("\"code\":\"BadParameter\"", content, StringComparison.Ordinal);
        await AssertStoredValueIsOriginalAsync();
    }

    [Theory]
    [InlineData("secrets/under_score?api-version=7.6")]
    [InlineData("secrets/dot.name?api-version=7.6")]
    [InlineData("certificates/under_score/import?api-version=7.6")]
    public async Task InvalidNameGets400BadParameter(string path)
    {
        var method = path.Contains("import", StringComparison.Ordinal) ? HttpMethod.Post : HttpMethod.Put;

        var (status, content) = await SendAsync(method, path, "{\"value\":\"x\"}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("invalid name", content, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("secrets/workload-secret?api-version=1999-01-01", "not recognized")]
    [InlineData("secrets/workload-secret", "api-version")]
    public async Task UnknownOrMissingApiVersionGets400BadParameter(string path, string message)
    {
        var (status, content) = await SendAsync(HttpMethod.Put, path, "{\"value\":\"changed\"}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("\"code\":\"BadParameter\"", content, StringComparison.Ordinal);
        Assert.Contains(message, content, StringComparison.Ordinal);
        await AssertStoredValueIsOriginalAsync();
    }

    [Theory]
    [InlineData("{\"value\":\"bm90IGEgY2VydGlmaWNhdGU=\"}")]
    [InlineData("{\"value\":\"-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----\"}")]
    [InlineData("{\"policy\":{}}")]
    public async Task UnreadableCertificateImportGets400AndStoresNothing(string body)
    {
        var (status, content) = await SendAsync(HttpMethod.Post, "certificates/edge-tls/import?api-version=7.6", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("\"code\":\"BadParameter\"", content, StringComparison.Ordinal);
        var (listStatus, list) = await SendAsync(HttpMethod.Get, "certificates?api-version=7.6", body: null);
        Assert.Equal(HttpStatusCode.OK, listStatus);
        Assert.Contains("\"value\":[]", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CertificateWithoutItsPrivateKeyIsRefused()
    {
        using var issued = Vault.IssueCertificate("delta.secureflow.localhost");
        var body = $"{{\"value\":\"{Convert.ToBase64String(issued.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Cert))}\"}}";

        var (status, content) = await SendAsync(HttpMethod.Post, "certificates/edge-tls/import?api-version=7.6", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("BadParameter", content, StringComparison.Ordinal);
    }

    private async Task<(HttpStatusCode Status, string Content)> SendAsync(HttpMethod method, string path, string? body)
    {
        using var http = Vault.CreateHttpClient();
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Vault.TokenFor("provisioner"));

        // The vault refuses an oversized body before reading it: the client waits for that answer instead of writing into a closed connection.
        request.Headers.ExpectContinue = true;
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request, Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Cancellation));
    }

    private async Task AssertStoredValueIsOriginalAsync()
    {
        var stored = (await _secrets.GetSecretAsync("workload-secret", cancellationToken: Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation)).Value;
        Assert.Equal("original", stored.Value);
        var versions = await _secrets.GetPropertiesOfSecretVersionsAsync("workload-secret", Cancellation).ToListAsync(Cancellation).AsTask().WaitAsync(InProcessVault.Timeout, Cancellation);
        Assert.Single(versions);
    }
}
