using System.Globalization;

namespace Aspire.Hosting;

public static class EgressResourceExtensions
{
    /// <summary>
    /// Allows the service to call <paramref name="hosts"/> (host names, for HTTPS on port 443) outside the cluster:
    /// the egress allow-list Azure Firewall enforces. Anything else the service tries to reach is denied.
    /// <code>
    /// builder.AddProject&lt;Projects.SecureFlow_Workload&gt;("workload").WithEgressTo("api.example.org");
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

        foreach (var host in hosts)
        {
            // A firewall rule is a host name: a URL, a port, a wildcard or an address would not mean what it says.
            if (string.IsNullOrWhiteSpace(host) || Uri.CheckHostName(host) != UriHostNameType.Dns || !host.Contains('.', StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"'{builder.Resource.Name}': egress host '{host}' is not a DNS host name such as 'api.example.org' (no scheme, port, path or wildcard)."),
                    nameof(hosts));
            }
        }

        var allowed = builder.Resource.Annotations.OfType<EgressAnnotation>().SelectMany(annotation => annotation.Hosts);
        return builder.WithAnnotation(
            new EgressAnnotation([.. allowed.Concat(hosts.Select(host => host.ToLowerInvariant())).Distinct(StringComparer.Ordinal)]),
            ResourceAnnotationMutationBehavior.Replace);
    }
}
