using static SecureFlow.AppHost.Publishing.Bicep.BicepSyntax;

namespace SecureFlow.AppHost.Publishing.Bicep;

/// <summary><c>infra/monitoring.bicep</c>: the Log Analytics workspace every diagnostic setting writes to.</summary>
internal static class MonitoringModule
{
    public const string Path = "infra/monitoring.bicep";

    public static BicepFile Build()
    {
        var file = new BicepFile(Path, "Monitoring: the Log Analytics workspace for the gateway, firewall, vault and cluster logs.");
        CommonParameters(file, logs: false);
        var workspace = file.Resource("workspace", "Microsoft.OperationalInsights/workspaces@2023-09-01",
            "One place for the WAF, firewall, Key Vault audit and cluster logs: blocked requests and denied egress are visible.", new BicepObject
            {
                { "name", UniqueName("log-") },
                { "location", Expr("location") },
                { "properties", new BicepObject
                    {
                        { "sku", new BicepObject { { "name", "PerGB2018" } } },
                        { "retentionInDays", 30 },
                    }
                },
            });
        file.Output("workspaceId", "string", Expr($"{workspace}.id"));
        return file;
    }
}
