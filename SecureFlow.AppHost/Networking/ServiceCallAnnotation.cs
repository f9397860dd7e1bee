namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// One edge of the model's graph between services: the annotated service calls <see cref="Service"/>
/// (<c>WithCallsTo</c>). Mutual TLS, the NetworkPolicies and the certificates' callers are derived from these.
/// </summary>
public sealed record ServiceCallAnnotation(ProjectResource Service) : IResourceAnnotation;
