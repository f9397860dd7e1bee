namespace SecureFlow.AppHost.Publishing;

/// <summary>
/// The model's host names are local stand-ins under <see cref="LocalDomain"/>; in Azure the same labels sit under the
/// domain the deployment is given (parameter <c>domainName</c>, azd variable <c>DOMAIN_NAME</c>).
/// </summary>
internal static class AzureHostName
{
    public const string LocalDomain = "secureflow.localhost";

    /// <summary>The labels in front of the domain: <c>workload.aks-ingress</c> for <c>workload.aks-ingress.secureflow.localhost</c>.</summary>
    public static string Labels(string localHost)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(localHost);
        var suffix = "." + LocalDomain;
        if (!localHost.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) || localHost.Length == suffix.Length)
        {
            throw new InvalidOperationException(
                $"Host '{localHost}' cannot be published: model host names end with '{suffix}', which becomes the deployment's domain in Azure.");
        }

        return localHost[..^suffix.Length].ToLowerInvariant();
    }

    /// <summary>The host name as a Bicep interpolated string over the <c>domainName</c> parameter.</summary>
    public static string InBicep(string localHost) => $"'{Labels(localHost)}.${{domainName}}'";

    /// <summary>The host name as an azd template value over the <c>DOMAIN_NAME</c> environment variable.</summary>
    public static string InAzdTemplate(string localHost) => $"{Labels(localHost)}.${{DOMAIN_NAME}}";
}
