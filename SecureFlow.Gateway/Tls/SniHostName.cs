using System.Diagnostics.CodeAnalysis;

namespace SecureFlow.Gateway.Tls;

/// <summary>
/// What a TLS server name may be (RFC 6066 3): a DNS host name in ASCII letters, digits and hyphens, without a
/// trailing dot, never an IP literal. A ClientHello can carry any bytes there (<c>a..b</c>, <c>*</c>, <c>127.0.0.1</c>,
/// 64-character labels, UTF-8); none of them names a host a gateway has a certificate for, so each is refused as an
/// unknown name before certificate matching, which throws on some of them.
/// </summary>
public static class SniHostName
{
    private const int MaxLength = 253;
    private const int MaxLabelLength = 63;

    public static bool IsValid([NotNullWhen(true)] string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength)
        {
            return false;
        }

        var labels = name.Split('.');
        foreach (var label in labels)
        {
            if (label.Length is 0 or > MaxLabelLength || label[0] == '-' || label[^1] == '-'
                || !label.All(character => char.IsAsciiLetterOrDigit(character) || character == '-'))
            {
                return false;
            }
        }

        // An all-numeric last label is an IPv4 literal (in any of its forms, 127.1 included), never a DNS name (RFC 1123 2.1).
        return !labels[^1].All(char.IsAsciiDigit);
    }

    /// <summary>The name as a log can show it: printable ASCII only, at most a host name's length.</summary>
    public static string ForLog(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "";
        }

        var printable = string.Create(Math.Min(name.Length, MaxLength), name, static (span, source) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = source[i] is > ' ' and <= '~' ? source[i] : '?';
            }
        });
        return name.Length > MaxLength ? printable + "..." : printable;
    }
}
