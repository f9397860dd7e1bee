namespace SecureFlow.Contracts.Gateways;

/// <summary>A gateway's TLS listener.</summary>
public sealed class GatewayListenerOptions
{
    /// <summary><c>localhost</c> (loopback, the local default) or an IP address such as <c>0.0.0.0</c> in a pod.</summary>
    public string Address { get; set; } = "localhost";

    public int Port { get; set; }

    /// <summary>Whether clients may speak HTTP/2 (ALPN <c>h2</c>) besides HTTP/1.1, as the model's edge does in Azure.</summary>
    public bool Http2 { get; set; } = true;

    /// <summary>How long a client may take to send its ClientHello and finish the handshake.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
