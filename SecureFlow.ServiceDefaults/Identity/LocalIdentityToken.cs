using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SecureFlow.ServiceDefaults.Identity;

/// <summary>
/// The bearer token a service presents to the local Key Vault: who it is, for which audience, until when, signed with
/// the key the AppHost generated for that service alone (HMAC-SHA256). The key itself never travels, and a token
/// names one identity: a service cannot act as another without that other's key. In Azure, Entra ID issues the token.
/// </summary>
public static class LocalIdentityToken
{
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    /// <summary>A new random signing key for one identity.</summary>
    public static string GenerateKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static string Create(string identity, string key, string audience, DateTimeOffset expiresOn)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(identity);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentException.ThrowIfNullOrWhiteSpace(audience);

        var payload = JsonSerializer.SerializeToUtf8Bytes(new Claims(identity, audience, expiresOn.ToUnixTimeSeconds()));
        return Base64Url(payload) + "." + Base64Url(HMACSHA256.HashData(Convert.FromBase64String(key), payload));
    }

    /// <summary>
    /// The identity a token was issued to, if its signature verifies with that identity's key (from
    /// <paramref name="keyOf"/>), it is meant for <paramref name="audience"/> and it has not expired; otherwise null.
    /// </summary>
    public static string? Validate(string token, Func<string, string?> keyOf, string audience, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(keyOf);

        var parts = token.Split('.');
        if (parts.Length != 2 || !TryDecode(parts[0], out var payload) || !TryDecode(parts[1], out var signature))
        {
            return null;
        }

        Claims? claims;
        try
        {
            claims = JsonSerializer.Deserialize<Claims>(payload);
        }
        catch (JsonException)
        {
            return null;
        }

        if (claims is null || keyOf(claims.Sub) is not { } key)
        {
            return null;
        }

        var expected = HMACSHA256.HashData(Convert.FromBase64String(key), payload);
        var valid = CryptographicOperations.FixedTimeEquals(expected, signature)
            && string.Equals(claims.Aud, audience, StringComparison.Ordinal)
            && DateTimeOffset.FromUnixTimeSeconds(claims.Exp) + ClockSkew > now;
        return valid ? claims.Sub : null;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryDecode(string text, out byte[] bytes)
    {
        var base64 = text.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
        bytes = new byte[base64.Length];
        if (Convert.TryFromBase64String(base64, bytes, out var written))
        {
            bytes = bytes[..written];
            return true;
        }

        return false;
    }

    private sealed record Claims(string Sub, string Aud, long Exp);
}
