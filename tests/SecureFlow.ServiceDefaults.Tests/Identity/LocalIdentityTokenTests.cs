using Azure.Core;
using SecureFlow.ServiceDefaults.Identity;

namespace SecureFlow.ServiceDefaults.Tests.Identity;

/// <summary>A local token proves one identity to the vault, for its audience, for a while; nothing else verifies.</summary>
public sealed class LocalIdentityTokenTests
{
    private const string Audience = "https://vault.azure.net";
    private static readonly string EdgeKey = LocalIdentityToken.GenerateKey();
    private static readonly string WorkloadKey = LocalIdentityToken.GenerateKey();

    [Fact]
    public void CredentialTokenNamesTheServiceForTheChallengesAudience()
    {
        var credential = new LocalServiceCredential("edge", EdgeKey);

        var token = credential.GetToken(new TokenRequestContext([Audience + "/.default"]), TestContext.Current.CancellationToken);

        Assert.Equal("edge", Validate(token.Token, DateTimeOffset.UtcNow));
        Assert.True(token.ExpiresOn > DateTimeOffset.UtcNow);
    }

    [Fact]
    public void TokenSignedWithAnotherIdentitysKeyDoesNotVerify()
    {
        var forged = LocalIdentityToken.Create("edge", WorkloadKey, Audience, DateTimeOffset.UtcNow.AddMinutes(5));

        Assert.Null(Validate(forged, DateTimeOffset.UtcNow));
    }

    [Fact]
    public void TokenForAnotherAudienceDoesNotVerify()
    {
        var token = LocalIdentityToken.Create("edge", EdgeKey, "https://management.azure.com", DateTimeOffset.UtcNow.AddMinutes(5));

        Assert.Null(Validate(token, DateTimeOffset.UtcNow));
    }

    [Fact]
    public void ExpiredTokenDoesNotVerify()
    {
        var token = LocalIdentityToken.Create("edge", EdgeKey, Audience, DateTimeOffset.UtcNow.AddMinutes(5));

        Assert.Null(Validate(token, DateTimeOffset.UtcNow.AddMinutes(10)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-token")]
    [InlineData("a.b.c")]
    [InlineData("eyJTdWIiOiJlZGdlIn0.AAAA")]
    public void MalformedTokenDoesNotVerify(string token) => Assert.Null(Validate(token, DateTimeOffset.UtcNow));

    [Fact]
    public void TamperedTokenDoesNotVerify()
    {
        var token = LocalIdentityToken.Create("workload", WorkloadKey, Audience, DateTimeOffset.UtcNow.AddMinutes(5));
        var payload = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{{\"Sub\":\"edge\",\"Aud\":\"{Audience}\",\"Exp\":9999999999}}"))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

        Assert.Null(Validate(payload + token[token.IndexOf('.', StringComparison.Ordinal)..], DateTimeOffset.UtcNow));
    }

    private static string? Validate(string token, DateTimeOffset now) =>
        LocalIdentityToken.Validate(token, identity => identity switch { "edge" => EdgeKey, "workload" => WorkloadKey, _ => null }, Audience, now);
}
