namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A TLS-terminating hop run by SecureFlow.Gateway: its TLS policy, the certificates it serves (chosen by SNI) and
/// where it forwards. Run mode hands these to the gateway process as configuration.
/// </summary>
public abstract class GatewayResource(string name) : ProjectResource(name)
{
    /// <summary>The endpoint of the TLS listener.</summary>
    public const string HttpsEndpointName = "https";

    /// <summary>The plain endpoint that serves health checks and nothing else.</summary>
    public const string ManagementEndpointName = "management";

    public TlsPolicy TlsPolicy { get; internal set; } = TlsPolicy.Baseline;

    /// <summary>Whether the TLS listener speaks HTTP/2 besides HTTP/1.1 (<c>WithHttp2</c>; on by default, as Application Gateway's <c>enableHttp2</c>).</summary>
    public bool Http2 { get; internal set; } = true;

    /// <summary>The certificates the gateway serves, chosen by SNI (<c>WithCertificate</c>), in the order they were added.</summary>
    public IReadOnlyList<CertificateResource> Certificates => [.. Annotations.OfType<GatewayCertificateAnnotation>().Select(annotation => annotation.Certificate)];

    /// <summary>Where requests go, by the host name they arrive for (or, at the edge, the ingress's host name).</summary>
    public IReadOnlyList<GatewayRoute> Routes => [.. Annotations.OfType<GatewayRoute>()];

    /// <summary>The max-age of the HSTS header the hop sends on every response (the public edge), or null for none.</summary>
    public abstract TimeSpan? HstsMaxAge { get; }

    /// <summary>
    /// The hop in front of this one whose forwarding headers and hop records it keeps (the edge in front of the
    /// ingress, by <c>WithBackend</c>); null at the public edge, which trusts no client.
    /// </summary>
    public ApplicationGatewayResource? TrustedUpstream => Annotations.OfType<TrustedUpstreamAnnotation>().SingleOrDefault()?.Upstream;

    public EndpointReference HttpsEndpoint => new(this, HttpsEndpointName);
}
