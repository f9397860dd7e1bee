namespace Aspire.Hosting.ApplicationModel;

/// <summary>The lowest TLS version a listener accepts.</summary>
public enum TlsProtocolVersion
{
    Tls12,
    Tls13,
}
