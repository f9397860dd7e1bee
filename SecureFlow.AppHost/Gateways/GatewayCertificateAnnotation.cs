namespace Aspire.Hosting.ApplicationModel;

/// <summary>A certificate the gateway serves to handshakes whose SNI name it covers (<c>WithCertificate</c>).</summary>
public sealed record GatewayCertificateAnnotation(CertificateResource Certificate) : IResourceAnnotation;
