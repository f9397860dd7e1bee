namespace Aspire.Hosting;

public static class WafResourceExtensions
{
    /// <summary>
    /// Inspects every request at the edge with a web application firewall before it is forwarded: locally ModSecurity v3
    /// with the OWASP CRS 3.3 inside the gateway, in Azure the Application Gateway WAF policy.
    /// <code>
    /// builder.AddApplicationGateway("edge").WithWaf(WafMode.Prevention);
    /// </code>
    /// </summary>
    public static IResourceBuilder<ApplicationGatewayResource> WithWaf(this IResourceBuilder<ApplicationGatewayResource> builder, WafMode mode)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithWaf(new WafPolicy(mode));
    }

    /// <summary>
    /// Inspects every request at the edge with <paramref name="policy"/>: its mode, paranoia level, anomaly threshold,
    /// body limit, disabled rules and exclusions.
    /// <code>
    /// builder.AddApplicationGateway("edge").WithWaf(new WafPolicy(WafMode.Prevention)
    /// {
    ///     Exclusions = [new(WafMatchVariable.RequestArgNames, WafSelectorMatchOperator.Equals, "query", [942100])],
    /// });
    /// </code>
    /// </summary>
    public static IResourceBuilder<ApplicationGatewayResource> WithWaf(this IResourceBuilder<ApplicationGatewayResource> builder, WafPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(policy);

        policy.ToOptions();
        builder.Resource.WafPolicy = policy;
        return builder;
    }
}
