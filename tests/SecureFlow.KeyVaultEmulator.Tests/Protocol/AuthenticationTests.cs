using System.Net;
using System.Net.Http.Headers;
using SecureFlow.KeyVaultEmulator.Tests.Infrastructure;

namespace SecureFlow.KeyVaultEmulator.Tests.Protocol;

/// <summary>Key Vault's challenge, HTTPS only, and tokens that must not verify.</summary>
public sealed class AuthenticationTests : VaultTest
{

    [Fact]
    public async Task UnauthenticatedRequestGets401WithTheKeyVaultChallenge()
    {
        using var http = Vault.CreateHttpClient();

        using var response = await http.GetAsync("secrets/workload-secret/?api-version=7.6", Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains("resource=\"https://vault.azure.net\"", challenge.Parameter, StringComparison.Ordinal);
        Assert.Contains("authorization=\"https://localhost:", challenge.Parameter, StringComparison.Ordinal);
        Assert.Contains("\"code\":\"Unauthorized\"", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenSignedWithAnotherIdentitysKeyIsRejectedWith401()
    {
        using var http = Vault.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "secrets?api-version=7.6");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Vault.TokenFor("provisioner", signingKeyOf: "workload"));

        using var response = await http.SendAsync(request, Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Single(response.Headers.WwwAuthenticate);
    }

    [Fact]
    public async Task IdentityTheVaultDoesNotKnowIsRejectedWith401()
    {
        using var http = Vault.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "secrets?api-version=7.6");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-token");

        using var response = await http.SendAsync(request, Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task PlainHttpRequestIsRefused()
    {
        using var http = new HttpClient { Timeout = InProcessVault.Timeout };

        await Assert.ThrowsAsync<HttpRequestException>(() =>
            http.GetAsync($"http://localhost:{Vault.Port}/secrets?api-version=7.6", Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation));
    }

    [Fact]
    public async Task ClientThatDoesNotTrustTheDevelopmentCaCannotConnect()
    {
        using var http = new HttpClient { Timeout = InProcessVault.Timeout };

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() =>
            http.GetAsync($"https://localhost:{Vault.Port}/secrets?api-version=7.6", Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation));

        Assert.IsType<System.Security.Authentication.AuthenticationException>(refused.InnerException);
    }
}
