namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The published Azure Firewall's tier (<c>builder.AddAzdPublishing(AzureFirewallTier.Standard)</c>). Premium, the AKS
/// baseline's, adds intrusion detection and prevention (IDPS, in Deny) to the threat intelligence both tiers have;
/// Standard costs less per hour and has no IDPS (docs/deploy.md, "Firewall tier").
/// </summary>
public enum AzureFirewallTier
{
    Premium,
    Standard,
}
