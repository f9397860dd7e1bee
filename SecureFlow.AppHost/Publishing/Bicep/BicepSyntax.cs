namespace SecureFlow.AppHost.Publishing.Bicep;

/// <summary>Short forms for building Bicep values in the module writers.</summary>
internal static class BicepSyntax
{
    /// <summary>A Bicep expression, written unquoted.</summary>
    public static BicepExpression Expr(string text) => new(text);

    /// <summary>A resource name unique to the resource group: <paramref name="prefix"/> then <c>uniqueString(resourceGroup().id)</c>, the same on every redeploy.</summary>
    public static BicepExpression UniqueName(string prefix) => Expr($"'{prefix}${{uniqueString(resourceGroup().id)}}'");

    /// <summary>A diagnostic setting that sends every log and metric of <paramref name="target"/> to Log Analytics.</summary>
    public static BicepObject DiagnosticSettings(BicepExpression target) => new()
    {
        { "name", "default" },
        { "scope", target },
        { "properties", new BicepObject
            {
                { "workspaceId", Expr("logAnalyticsWorkspaceId") },
                { "logs", new[] { new BicepObject { { "categoryGroup", "allLogs" }, { "enabled", true } } } },
                { "metrics", new[] { new BicepObject { { "category", "AllMetrics" }, { "enabled", true } } } },
            }
        },
    };

    /// <summary>
    /// A role assignment of <paramref name="role"/> to a service principal, scoped to <paramref name="scope"/> only;
    /// its name is stable for the same scope, principal and role (<paramref name="principalKey"/> identifies the principal).
    /// </summary>
    public static BicepObject RoleAssignment(BicepExpression scope, BicepExpression role, BicepExpression principalId, BicepExpression principalKey) => new()
    {
        { "name", Expr($"guid({scope}.id, {principalKey}, {role})") },
        { "scope", scope },
        { "properties", new BicepObject
            {
                { "roleDefinitionId", role },
                { "principalId", principalId },
                { "principalType", "ServicePrincipal" },
            }
        },
    };

    /// <summary>
    /// A private endpoint for <paramref name="target"/> (sub-resource <paramref name="groupId"/>) in a subnet, and the DNS
    /// zone group that makes the target's name resolve to it inside the VNet. Returns the endpoint.
    /// </summary>
    public static BicepExpression PrivateEndpoint(
        BicepFile file, string symbol, BicepExpression target, string groupId, BicepExpression subnetId, BicepExpression zoneId, string why, string dnsWhy)
    {
        var endpoint = file.Resource(symbol, "Microsoft.Network/privateEndpoints@2024-05-01", why, new BicepObject
        {
            { "name", Expr($"'pe-${{{target}.name}}'") },
            { "location", Expr("location") },
            { "properties", new BicepObject
                {
                    { "subnet", new BicepObject { { "id", subnetId } } },
                    { "privateLinkServiceConnections", new[]
                        {
                            new BicepObject
                            {
                                { "name", groupId },
                                { "properties", new BicepObject { { "privateLinkServiceId", Expr($"{target}.id") }, { "groupIds", new[] { groupId } } } },
                            },
                        }
                    },
                }
            },
        });
        file.Resource(symbol + "Dns", "Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01", dnsWhy, new BicepObject
        {
            { "parent", endpoint },
            { "name", "default" },
            { "properties", new BicepObject
                {
                    { "privateDnsZoneConfigs", new[] { new BicepObject { { "name", groupId }, { "properties", new BicepObject { { "privateDnsZoneId", zoneId } } } } } },
                }
            },
        });
        return endpoint;
    }

    public const string RoleAssignmentType = "Microsoft.Authorization/roleAssignments@2022-04-01";

    public const string DiagnosticSettingsType = "Microsoft.Insights/diagnosticSettings@2021-05-01-preview";

    /// <summary>Declares the module's <c>location</c> and <c>logAnalyticsWorkspaceId</c> parameters every module takes.</summary>
    public static void CommonParameters(BicepFile file, bool logs = true)
    {
        file.Parameter("location", "string", "The Azure region of every resource of this module.");
        if (logs)
        {
            file.Parameter("logAnalyticsWorkspaceId", "string", "The Log Analytics workspace that receives this module's logs and metrics.");
        }
    }
}
