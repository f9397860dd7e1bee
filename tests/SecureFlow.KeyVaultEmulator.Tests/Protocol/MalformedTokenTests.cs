using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using SecureFlow.KeyVaultEmulator.Tests.Infrastructure;

namespace SecureFlow.KeyVaultEmulator.Tests.Protocol;

/// <summary>
/// Whatever a caller puts in the bearer token, the vault answers 401 with Key Vault's error and its challenge: never a
/// 500, never access. Each case is named for what is wrong with the token.
/// </summary>
public sealed class MalformedTokenTests : VaultTest
{
    private const string Audience = "https://vault.azure.net";

    private static readonly Dictionary<string, Func<InProcessVault, string>> Tokens = new()
    {
        ["not base64url"] = _ => "!!!.???",
        ["base64 with whitespace inside"] = vault => vault.TokenFor("provisioner").Insert(4, " "),
        ["one part"] = _ => Encode("""{"Sub":"provisioner"}"""),
        ["three parts, a JWT with alg none"] = _ =>
            Encode("""{"alg":"none","typ":"JWT"}""") + "." + Encode($$"""{"Sub":"provisioner","Aud":"{{Audience}}","Iat":{{Now()}},"Exp":{{Now() + 600}}}""") + ".",
        ["three parts, a JWT signed HS256 with the identity's key"] = vault =>
        {
            var body = Encode("""{"alg":"HS256","typ":"JWT"}""") + "." + Encode($$"""{"sub":"provisioner","aud":"{{Audience}}","exp":{{Now() + 600}}}""");
            return body + "." + Base64Url.EncodeToString(HMACSHA256.HashData(Convert.FromBase64String(vault.KeyOf("provisioner")), Encoding.ASCII.GetBytes(body)));
        },
        ["alg none header as the payload, no signature"] = _ => Encode("""{"alg":"none"}""") + ".",
        ["payload is not JSON"] = vault => Signed(vault, "provisioner", "hello"),
        ["payload is a JSON array"] = vault => Signed(vault, "provisioner", "[]"),
        ["payload is JSON null"] = vault => Signed(vault, "provisioner", "null"),
        ["payload nested a thousand deep"] = vault => Signed(vault, "provisioner", new string('[', 1000) + new string(']', 1000)),
        ["no subject"] = vault => Signed(vault, "workload", $$"""{"Aud":"{{Audience}}","Iat":{{Now()}},"Exp":{{Now() + 600}}}"""),
        ["null subject"] = vault => Signed(vault, "workload", $$"""{"Sub":null,"Aud":"{{Audience}}","Iat":{{Now()}},"Exp":{{Now() + 600}}}"""),
        ["empty subject"] = vault => Signed(vault, "workload", $$"""{"Sub":"","Aud":"{{Audience}}","Iat":{{Now()}},"Exp":{{Now() + 600}}}"""),
        ["numeric subject"] = vault => Signed(vault, "workload", $$"""{"Sub":5,"Aud":"{{Audience}}","Iat":{{Now()}},"Exp":{{Now() + 600}}}"""),
        ["two subjects"] = vault => Signed(vault, "workload", $$"""{"Sub":"provisioner","Sub":"workload","Aud":"{{Audience}}","Iat":{{Now()}},"Exp":{{Now() + 600}}}"""),
        ["an unknown claim"] = vault => Signed(vault, "provisioner", $$"""{"Sub":"provisioner","Aud":"{{Audience}}","Iat":{{Now()}},"Exp":{{Now() + 600}},"Role":"admin"}"""),
        ["no issue time"] = vault => Signed(vault, "provisioner", $$"""{"Sub":"provisioner","Aud":"{{Audience}}","Exp":{{Now() + 600}}}"""),
        ["expiry beyond the calendar"] = vault => Signed(vault, "provisioner", $$"""{"Sub":"provisioner","Aud":"{{Audience}}","Iat":{{Now()}},"Exp":{{long.MaxValue}}}"""),
        ["expiry before year 1"] = vault => Signed(vault, "provisioner", $$"""{"Sub":"provisioner","Aud":"{{Audience}}","Iat":{{Now()}},"Exp":{{long.MinValue}}}"""),
        ["expiry too large for a long"] = vault => Signed(vault, "provisioner", $$"""{"Sub":"provisioner","Aud":"{{Audience}}","Iat":{{Now()}},"Exp":1e400}"""),
        ["expired"] = vault => Lifetime(vault, issuedIn: -1200, expiresIn: -600),
        ["issued ten minutes from now"] = vault => Lifetime(vault, issuedIn: 600, expiresIn: 1200),
        ["lives two hours"] = vault => Lifetime(vault, issuedIn: 0, expiresIn: 7200),
        ["lives ten years"] = vault => Lifetime(vault, issuedIn: 0, expiresIn: 10 * 365 * 86400),
        ["wrong audience"] = vault => Signed(vault, "provisioner", $$"""{"Sub":"provisioner","Aud":"https://management.azure.com","Iat":{{Now()}},"Exp":{{Now() + 600}}}"""),
        ["unknown identity"] = vault => Signed(vault, "provisioner", $$"""{"Sub":"nobody","Aud":"{{Audience}}","Iat":{{Now()}},"Exp":{{Now() + 600}}}"""),
        ["signed with another identity's key"] = vault => vault.TokenFor("provisioner", signingKeyOf: "workload"),
        ["signature changed"] = vault => Flip(vault.TokenFor("provisioner")),
        ["signature cut in half"] = vault => vault.TokenFor("provisioner")[..^22],
        ["empty signature"] = vault => vault.TokenFor("provisioner").Split('.')[0] + ".",
        ["two tokens"] = vault => vault.TokenFor("provisioner") + " " + vault.TokenFor("provisioner"),
        ["16 KB"] = vault => Signed(vault, "provisioner", $$"""{"Sub":"{{new string('p', 12 * 1024)}}","Aud":"{{Audience}}","Iat":{{Now()}},"Exp":{{Now() + 600}}}"""),
    };

    public static TheoryData<string> Cases => [.. Tokens.Keys];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task MalformedTokenGets401WithTheChallengeAndKeyVaultsError(string name)
    {
        using var http = Vault.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "secrets?api-version=7.6");
        Assert.True(request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Tokens[name](Vault)));

        using var response = await http.SendAsync(request, Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Contains("resource=\"https://vault.azure.net\"", challenge.Parameter, StringComparison.Ordinal);
        Assert.Contains("\"code\":\"Unauthorized\"", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WellFormedTokenOfAnHourIsAccepted()
    {
        using var http = Vault.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "secrets?api-version=7.6");
        request.Headers.Authorization = new("Bearer", Lifetime(Vault, issuedIn: 0, expiresIn: 3600));

        using var response = await http.SendAsync(request, Cancellation).WaitAsync(InProcessVault.Timeout, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private static string Encode(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

    /// <summary>A token whose payload is <paramref name="payload"/>, correctly signed with <paramref name="signer"/>'s key.</summary>
    private static string Signed(InProcessVault vault, string signer, string payload)
    {
        var bytes = Encoding.UTF8.GetBytes(payload);
        return Base64Url.EncodeToString(bytes) + "." + Base64Url.EncodeToString(HMACSHA256.HashData(Convert.FromBase64String(vault.KeyOf(signer)), bytes));
    }

    /// <summary>A correctly signed token of the provisioner, issued and expiring the given seconds from now.</summary>
    private static string Lifetime(InProcessVault vault, long issuedIn, long expiresIn) =>
        Signed(vault, "provisioner", $$"""{"Sub":"provisioner","Aud":"{{Audience}}","Iat":{{Now() + issuedIn}},"Exp":{{Now() + expiresIn}}}""");

    private static string Flip(string token) => token[..^2] + (token[^2] == 'A' ? 'B' : 'A') + token[^1];
}
