using System.Globalization;
using SecureFlow.Contracts.Gateways;

namespace SecureFlow.ServiceDefaults.Hops;

/// <summary>
/// What one TLS-terminating hop saw of a request: its name, the TLS protocol and cipher suite it negotiated and
/// the SNI name the client sent. Each gateway appends one record to <see cref="HeaderName"/> for the next hop. A mutual
/// TLS hop also names the identities each side authenticated: the caller's (<see cref="Client"/>, checked by the
/// server) and the server's (<see cref="Server"/>, checked by the caller).
/// </summary>
public sealed record HopRecord(string Hop, string TlsProtocol, string CipherSuite, string Sni, string? Client = null, string? Server = null)
{
    /// <summary>The request header that carries the records, one value per hop, in order.</summary>
    public const string HeaderName = HopHeaders.HopRecord;

    /// <summary>Formats the record as <c>hop=edge;tls=TLSv1.3;cipher=TLS_AES_256_GCM_SHA384;sni=delta.secureflow.localhost</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"hop={Hop};tls={TlsProtocol};cipher={CipherSuite};sni={Sni}")
        + (Client is null ? "" : ";client=" + Client) + (Server is null ? "" : ";server=" + Server);

    /// <summary>Parses one header value; returns null for a value that is not a well-formed record.</summary>
    public static HopRecord? TryParse(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in value.Split(';', StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || !fields.TryAdd(part[..equals], part[(equals + 1)..]))
            {
                return null;
            }
        }

        return fields.TryGetValue("hop", out var hop) && fields.TryGetValue("tls", out var tls)
            && fields.TryGetValue("cipher", out var cipher) && fields.TryGetValue("sni", out var sni)
            ? new HopRecord(hop, tls, cipher, sni, fields.GetValueOrDefault("client"), fields.GetValueOrDefault("server"))
            : null;
    }
}
