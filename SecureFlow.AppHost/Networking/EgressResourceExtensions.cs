using SecureFlow.AppHost.Networking;
using SecureFlow.Contracts.Egress;

namespace Aspire.Hosting;

public static class EgressResourceExtensions
{
    /// <summary>
    /// Allows the service to reach <paramref name="hosts"/> outside the cluster: host names (<c>api.contoso.com</c>) or
    /// their subdomains (<c>*.contoso.com</c>), over HTTPS on 443, or over HTTP on 80 with <c>:80</c>. This is the
    /// egress allow-list Azure Firewall enforces in Azure and the local egress firewall (<c>AddEgressFirewall</c>) in
    /// run mode; anything else the service tries to reach is denied.
    /// <code>
    /// builder.AddProject&lt;Projects.SecureFlow_Workload&gt;("workload").WithEgressTo("api.example.org", "*.blob.core.windows.net");
    /// </code>
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithEgressTo(this IResourceBuilder<ProjectResource> builder, params string[] hosts)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(hosts);
        if (hosts.Length == 0)
        {
            throw new ArgumentException($"'{builder.Resource.Name}': name at least one host to allow egress to.", nameof(hosts));
        }

        var added = hosts.Select(host => EgressDestination.TryParse(host, out var destination, out var error)
            ? destination
            : throw new ArgumentException($"'{builder.Resource.Name}': {error}", nameof(hosts)));
        var existing = builder.Resource.Annotations.OfType<EgressAnnotation>().SelectMany(annotation => annotation.Destinations).ToList();
        var first = existing.Count == 0;
        builder.WithAnnotation(new EgressAnnotation([.. existing.Concat(added).Distinct()]), ResourceAnnotationMutationBehavior.Replace);
        if (first)
        {
            // The service learns what it may call from the same list the firewalls enforce.
            builder.WithEnvironment(context => EgressConfiguration.Write(builder.Resource, context.EnvironmentVariables));
        }

        return builder;
    }
}
