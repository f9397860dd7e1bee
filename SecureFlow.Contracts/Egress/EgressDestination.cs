using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace SecureFlow.Contracts.Egress;

/// <summary>
/// One destination outside the cluster a service may reach, as Azure Firewall's application rules name them: a DNS host
/// name, or <c>*.</c> and a DNS name for its subdomains (not the name itself), on port 443 (HTTPS, the default) or 80
/// (HTTP). Written <c>api.contoso.com</c>, <c>*.contoso.com</c>, <c>api.contoso.com:80</c>.
/// </summary>
public sealed record EgressDestination
{
    public const int HttpsPort = 443;
    public const int HttpPort = 80;

    private const string WildcardPrefix = "*.";

    private EgressDestination(string host, int port)
    {
        Host = host;
        Port = port;
    }

    /// <summary>The host name in lower case; for a wildcard, <c>*.</c> and the parent name.</summary>
    public string Host { get; }

    public int Port { get; }

    public bool IsWildcard => Host.StartsWith(WildcardPrefix, StringComparison.Ordinal);

    /// <summary>Azure Firewall's protocol name for the port: <c>Https</c> or <c>Http</c>.</summary>
    public string Protocol => Port == HttpPort ? "Http" : "Https";

    /// <summary>Whether a request for <paramref name="host"/> on <paramref name="port"/> is what this destination allows.</summary>
    public bool Matches(string host, int port)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (port != Port)
        {
            return false;
        }

        // A wildcard covers subdomains at any depth, never the parent itself (Azure Firewall's *.contoso.com).
        return IsWildcard
            ? host.Length > Host.Length - 1 && host.EndsWith(Host[1..], StringComparison.OrdinalIgnoreCase)
            : string.Equals(host, Host, StringComparison.OrdinalIgnoreCase);
    }

    public override string ToString() => Port == HttpsPort ? Host : string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}");

    /// <summary>Parses <c>host</c>, <c>*.parent</c>, optionally followed by <c>:443</c> or <c>:80</c>.</summary>
    /// <param name="error">Why <paramref name="value"/> is not a destination, when it is not.</param>
    public static bool TryParse(string? value, [NotNullWhen(true)] out EgressDestination? destination, [NotNullWhen(false)] out string? error)
    {
        destination = null;
        var text = value?.Trim() ?? "";
        var port = HttpsPort;
        var colon = text.LastIndexOf(':');
        if (colon >= 0)
        {
            if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is not (HttpsPort or HttpPort))
            {
                error = $"egress destination '{value}' names a port other than 443 (HTTPS) or 80 (HTTP), or is not a host name.";
                return false;
            }

            text = text[..colon];
        }

        var name = text.StartsWith(WildcardPrefix, StringComparison.Ordinal) ? text[WildcardPrefix.Length..] : text;

        // A firewall rule is a host name: a URL, a path, an address, a bare label or a wildcard in the middle would
        // not mean what it says (and "*.com" would allow a whole top-level domain).
        if (name.Length == 0 || Uri.CheckHostName(name) != UriHostNameType.Dns || !name.Contains('.', StringComparison.Ordinal) || name.EndsWith('.'))
        {
            error = $"egress destination '{value}' is not a DNS host name such as 'api.example.org', '*.example.org' or 'api.example.org:80' (no scheme, path, address or other wildcard).";
            return false;
        }

        destination = new EgressDestination(text.ToLowerInvariant(), port);
        error = null;
        return true;
    }
}
