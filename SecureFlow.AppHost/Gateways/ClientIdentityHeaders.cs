using SecureFlow.Contracts.Gateways;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The request headers through which a client could claim another identity or another original request: forwarding
/// headers (RFC 7239 <c>Forwarded</c>, <c>X-Forwarded-*</c>), the client-address headers proxies and CDNs use, URL
/// rewrites and method overrides, and SecureFlow's own hop record. The public edge owns the client's identity: it drops
/// every one of them a client sent and sets only those it vouches for. One list, read by the local edge and by the
/// published Application Gateway's rewrite rules.
/// </summary>
public static class ClientIdentityHeaders
{
    public static IReadOnlyList<string> All { get; } =
    [
        "Forwarded",
        "X-Forwarded-For",
        "X-Forwarded-Host",
        "X-Forwarded-Proto",
        "X-Forwarded-Prefix",
        "X-Forwarded-Port",
        "X-Forwarded-Server",
        "X-Forwarded-Scheme",
        "X-Forwarded-Ssl",
        "X-Forwarded",
        "Forwarded-For",
        "X-Real-IP",
        "X-Client-IP",
        "Client-IP",
        "True-Client-IP",
        "X-Cluster-Client-IP",
        "X-Original-For",
        "X-Original-Host",
        "X-Original-URL",
        "X-Rewrite-URL",
        "X-Host",
        "X-HTTP-Method-Override",
        "X-HTTP-Method",
        "X-Method-Override",
        HopHeaders.HopRecord,
    ];

    /// <summary>
    /// The headers Application Gateway sets on every request it forwards, with their values (its server variables):
    /// its rewrite rules set these and remove every other header of <see cref="All"/>.
    /// </summary>
    public static IReadOnlyDictionary<string, string> SetByApplicationGateway { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["X-Forwarded-For"] = "{var_client_ip}",
        ["X-Forwarded-Proto"] = "https",
        ["X-Forwarded-Host"] = "{var_host}",
    };
}
