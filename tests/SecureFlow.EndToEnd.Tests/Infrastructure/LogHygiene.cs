using System.Text.RegularExpressions;

namespace SecureFlow.EndToEnd.Tests.Infrastructure;

/// <summary>What must never appear in any service's log: the secret's value, a private key, a PKCS#12 blob.</summary>
public static partial class LogHygiene
{
    public static async Task AssertCleanAsync(SecureFlowApp app)
    {
        var secret = await app.SecretValueAsync();
        foreach (var resource in new[] { "vault", "edge", "ingress", "workload", "orders" })
        {
            var lines = app.Logs.All(resource);
            Assert.NotEmpty(lines);
            Assert.DoesNotContain(lines, line => line.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(lines, line => line.Contains("PRIVATE KEY", StringComparison.Ordinal));

            // Keys and PFX files are long base64 runs; nothing legitimate in a log line is. Nor is a bearer token.
            Assert.DoesNotContain(lines, line => LongBase64().IsMatch(line));
            Assert.DoesNotContain(lines, line => LocalToken().IsMatch(line));
        }
    }

    [GeneratedRegex("[A-Za-z0-9+/=_-]{200,}")]
    private static partial Regex LongBase64();

    /// <summary>A local identity token: base64url claims (a JSON object starting with "Sub") and a 32-byte signature.</summary>
    [GeneratedRegex("eyJTdWIi[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}")]
    private static partial Regex LocalToken();
}
