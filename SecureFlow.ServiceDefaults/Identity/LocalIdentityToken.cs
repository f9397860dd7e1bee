using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace SecureFlow.ServiceDefaults.Identity;

/// <summary>
/// The bearer token a service presents to the local Key Vault: who it is, for which audience, from when until when,
/// signed with the key the AppHost generated for that service alone (HMAC-SHA256). The key itself never travels, and a
/// token names one identity: a service cannot act as another without that other's key. In Azure, Entra ID issues the token.
/// </summary>
public static class LocalIdentityToken
{
    /// <summary>The longest a token may live: what <see cref="LocalServiceCredential"/> issues, as Entra ID's access tokens.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(1);

    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    /// <summary>Far above any token this code issues (about 200 characters); anything longer is refused unread.</summary>
    private const int MaxTokenLength = 2048;

    /// <summary>
    /// Exactly the claims, each once, none missing or null: a payload that is not a token is refused as JSON, before
    /// anything of it is used.
    /// </summary>
    private static readonly JsonSerializerOptions Strict = JsonSerializerOptions.Strict;

    private static readonly SearchValues<char> Base64UrlAlphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    /// <summary>A new random signing key for one identity.</summary>
    public static string GenerateKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <param name="issuedAt">When the token starts to be valid; now when null.</param>
    public static string Create(string identity, string key, string audience, DateTimeOffset expiresOn, DateTimeOffset? issuedAt = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(identity);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentException.ThrowIfNullOrWhiteSpace(audience);

        var claims = new Claims(identity, audience, (issuedAt ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds(), expiresOn.ToUnixTimeSeconds());
        var payload = JsonSerializer.SerializeToUtf8Bytes(claims, Strict);
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(HMACSHA256.HashData(Convert.FromBase64String(key), payload));
    }

    /// <summary>
    /// The identity a token was issued to, if its signature verifies with that identity's key (from
    /// <paramref name="keyOf"/>), it is meant for <paramref name="audience"/>, it is valid at <paramref name="now"/>
    /// (issued no later than now and not expired, give or take a minute of clock skew) and it lives no longer than
    /// <see cref="MaxLifetime"/>; otherwise null. Nothing a caller sends makes it throw.
    /// </summary>
    public static string? Validate(string token, Func<string, string?> keyOf, string audience, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(keyOf);

        if (token.Length > MaxTokenLength || token.Split('.') is not [var encodedPayload, var encodedSignature]
            || !TryDecode(encodedPayload, out var payload) || !TryDecode(encodedSignature, out var signature))
        {
            return null;
        }

        Claims? claims;
        try
        {
            claims = JsonSerializer.Deserialize<Claims>(payload, Strict);
        }
        catch (JsonException)
        {
            return null;
        }

        if (claims is not { Sub.Length: > 0 } || !TryTime(claims.Iat, out var issuedAt) || !TryTime(claims.Exp, out var expiresOn)
            || keyOf(claims.Sub) is not { } key)
        {
            return null;
        }

        var expected = HMACSHA256.HashData(Convert.FromBase64String(key), payload);
        var valid = CryptographicOperations.FixedTimeEquals(expected, signature)
            && string.Equals(claims.Aud, audience, StringComparison.Ordinal)
            && issuedAt - ClockSkew <= now
            && expiresOn + ClockSkew > now
            && expiresOn - issuedAt <= MaxLifetime;
        return valid ? claims.Sub : null;
    }

    /// <summary>Base64url without padding or whitespace, and nothing else: one encoding per token.</summary>
    private static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.AsSpan().ContainsAnyExcept(Base64UrlAlphabet) || !Base64Url.IsValid(text, out var length))
        {
            return false;
        }

        bytes = new byte[length];
        return Base64Url.TryDecodeFromChars(text, bytes, out _);
    }

    private static bool TryTime(long seconds, out DateTimeOffset time)
    {
        var valid = seconds >= 0 && seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds();
        time = valid ? DateTimeOffset.FromUnixTimeSeconds(seconds) : default;
        return valid;
    }

    private sealed record Claims(string Sub, string Aud, long Iat, long Exp);
}
