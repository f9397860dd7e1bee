using System.Globalization;
using System.Text;
using SecureFlow.Contracts.Gateways;

namespace SecureFlow.ServiceDefaults.Hops;

/// <summary>
/// What one TLS-terminating hop saw of a request: its name, the TLS protocol and cipher suite it negotiated and
/// the SNI name the client sent. Each gateway appends one record to <see cref="HeaderName"/> for the next hop. A mutual
/// TLS hop also names the identities each side authenticated: the caller's (<see cref="Client"/>, checked by the
/// server) and the server's (<see cref="Server"/>, checked by the caller). Each hop also names the certificate its server
/// presented (<see cref="Certificate"/>) and, at the edge, what the WAF decided (<see cref="Waf"/>).
/// </summary>
public sealed record HopRecord(
    string Hop, string TlsProtocol, string CipherSuite, string Sni, string? Client = null, string? Server = null,
    PresentedCertificate? Certificate = null, WafVerdict? Waf = null)
{
    /// <summary>The request header that carries the records, one value per hop, in order.</summary>
    public const string HeaderName = HopHeaders.HopRecord;

    /// <summary>
    /// Formats the record as <c>hop=edge;tls=TLSv1.3;cipher=TLS_AES_256_GCM_SHA384;sni=delta.secureflow.localhost</c>, then
    /// the optional fields. Certificate names hold commas and spaces, which would split the header's values: every optional
    /// field is percent-encoded.
    /// </summary>
    public override string ToString()
    {
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"hop={Hop};tls={TlsProtocol};cipher={CipherSuite};sni={Sni}"));
        Append(text, "client", Client);
        Append(text, "server", Server);
        if (Certificate is { } certificate)
        {
            Append(text, "certSubject", certificate.Subject);
            Append(text, "certIssuer", certificate.Issuer);
            Append(text, "certNotAfter", certificate.NotAfter.ToString("O", CultureInfo.InvariantCulture));
            Append(text, "certThumbprint", certificate.Thumbprint);
            Append(text, "certVersion", certificate.VaultVersion);
        }

        AppendWaf(text, Waf);
        return text.ToString();
    }

    /// <summary>
    /// <paramref name="recordWithoutWaf"/> (a record formatted without its <see cref="Waf"/>) with <paramref name="waf"/>
    /// added, as <see cref="ToString"/> formats it: a hop formats what it knows of a connection once, and adds each
    /// request's WAF decision.
    /// </summary>
    public static string WithWaf(string recordWithoutWaf, WafVerdict? waf)
    {
        ArgumentNullException.ThrowIfNull(recordWithoutWaf);
        if (waf is null)
        {
            return recordWithoutWaf;
        }

        var text = new StringBuilder(recordWithoutWaf, recordWithoutWaf.Length + 32);
        AppendWaf(text, waf);
        return text.ToString();
    }

    private static void AppendWaf(StringBuilder text, WafVerdict? waf)
    {
        if (waf is not null)
        {
            Append(text, "waf", waf.Decision);
            Append(text, "wafScore", waf.AnomalyScore.ToString(CultureInfo.InvariantCulture));
        }
    }

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

        if (!fields.TryGetValue("hop", out var hop) || !fields.TryGetValue("tls", out var tls)
            || !fields.TryGetValue("cipher", out var cipher) || !fields.TryGetValue("sni", out var sni))
        {
            return null;
        }

        PresentedCertificate? certificate = null;
        if (Field(fields, "certSubject") is { } subject)
        {
            if (Field(fields, "certIssuer") is not { } issuer || Field(fields, "certThumbprint") is not { } thumbprint
                || !DateTimeOffset.TryParseExact(Field(fields, "certNotAfter"), "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out var notAfter))
            {
                return null;
            }

            certificate = new PresentedCertificate(subject, issuer, notAfter, thumbprint, Field(fields, "certVersion"));
        }

        WafVerdict? waf = null;
        if (Field(fields, "waf") is { } decision)
        {
            if (!int.TryParse(Field(fields, "wafScore"), NumberStyles.None, CultureInfo.InvariantCulture, out var score))
            {
                return null;
            }

            waf = new WafVerdict(decision, score);
        }

        return new HopRecord(hop, tls, cipher, sni, Field(fields, "client"), Field(fields, "server"), certificate, waf);
    }

    private static void Append(StringBuilder text, string name, string? value)
    {
        if (value is not null)
        {
            text.Append(';').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }
    }

    private static string? Field(Dictionary<string, string> fields, string name) =>
        fields.TryGetValue(name, out var value) ? Uri.UnescapeDataString(value) : null;
}
