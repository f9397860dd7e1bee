namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Requests for <see cref="MatchHosts"/> go to <see cref="Destination"/>; with <see cref="DestinationHost"/> they carry
/// that Host and SNI, and with <see cref="DestinationCertificate"/> the hop trusts only the root that issued that certificate.
/// Kept as an annotation of the gateway (<c>WithRoute</c>, <c>WithBackend</c>).
/// </summary>
public sealed record GatewayRoute(
    string Name,
    IReadOnlyList<string> MatchHosts,
    IResourceWithServiceDiscovery Destination,
    string Scheme,
    string? DestinationHost = null,
    CertificateResource? DestinationCertificate = null) : IResourceAnnotation;
