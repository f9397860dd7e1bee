namespace SecureFlow.Contracts.MutualTls;

/// <summary>The form of a service identity: <c>spiffe://TRUST-DOMAIN/ns/NAMESPACE/sa/SERVICE</c>, as service meshes spell it.</summary>
public static class SpiffeId
{
    public static string For(string trustDomain, string kubernetesNamespace, string service)
    {
        var id = $"spiffe://{trustDomain}/ns/{kubernetesNamespace}/sa/{service}";
        return IsValid(id) ? id : throw new ArgumentException($"'{id}' is not a SPIFFE id of the form spiffe://TRUST-DOMAIN/ns/NAMESPACE/sa/SERVICE.");
    }

    /// <summary>Whether <paramref name="value"/> is exactly <c>spiffe://host/ns/NAME/sa/NAME</c>: no port, query, fragment, user or dot segments.</summary>
    public static bool IsValid(string? value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != "spiffe" || !uri.IsDefaultPort || uri.UserInfo.Length > 0
            || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.HostNameType != UriHostNameType.Dns || !string.Equals(uri.AbsoluteUri, value, StringComparison.Ordinal))
        {
            return false;
        }

        var segments = uri.AbsolutePath.Split('/');
        return segments is ["", "ns", { Length: > 0 } ns, "sa", { Length: > 0 } sa] && IsName(ns) && IsName(sa);
    }

    private static bool IsName(string segment) => segment.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
}
