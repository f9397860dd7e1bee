namespace Aspire.Hosting.ApplicationModel;

/// <summary>On a gateway: the hop in front of it (the edge in front of the ingress), whose forwarding headers it keeps.</summary>
public sealed record TrustedUpstreamAnnotation(ApplicationGatewayResource Upstream) : IResourceAnnotation;
