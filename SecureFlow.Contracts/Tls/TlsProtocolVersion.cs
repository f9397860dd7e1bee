namespace SecureFlow.Contracts.Tls;

/// <summary>The lowest TLS version a listener accepts (TLS 1.3 is always on).</summary>
public enum TlsProtocolVersion
{
    Tls12,
    Tls13,
}
