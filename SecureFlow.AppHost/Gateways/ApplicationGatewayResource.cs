namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The public edge: Azure Application Gateway WAF_v2 in Azure, SecureFlow.Gateway on a fixed local port in run mode.
/// </summary>
public sealed class ApplicationGatewayResource(string name) : GatewayResource(name)
{
    /// <summary>One year: browsers that have seen the edge once never try it over plain HTTP again.</summary>
    public override TimeSpan? HstsMaxAge => TimeSpan.FromDays(365);

    /// <summary>The web application firewall in front of every route; null means none.</summary>
    public WafPolicy? WafPolicy { get; internal set; }
}
