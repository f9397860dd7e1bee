using System.Security.Authentication;

namespace SecureFlow.Gateway.Tls;

public static class TlsNames
{
    /// <summary>The protocol as TLS tools and Application Gateway logs name it: <c>TLSv1.2</c>, <c>TLSv1.3</c>.</summary>
    public static string Protocol(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls12 => "TLSv1.2",
        SslProtocols.Tls13 => "TLSv1.3",
        _ => protocol.ToString(),
    };
}
