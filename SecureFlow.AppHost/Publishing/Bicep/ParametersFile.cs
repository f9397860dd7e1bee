using System.Text.Json;
using System.Text.Json.Nodes;

namespace SecureFlow.AppHost.Publishing.Bicep;

/// <summary>
/// <c>infra/main.parameters.json</c>: how azd fills <c>main.bicep</c>'s parameters from its environment
/// (<c>${VAR}</c> is substituted by azd). No secret passes through it: Key Vault creates them.
/// </summary>
internal static class ParametersFile
{
    public const string Path = "infra/main.parameters.json";

    public static string Build(PublishedApp app)
    {
        var parameters = new JsonObject
        {
            ["environmentName"] = Value("${AZURE_ENV_NAME}"),
            ["location"] = Value("${AZURE_LOCATION}"),
            ["domainName"] = Value("${DOMAIN_NAME}"),
            ["apiServerAuthorizedIpRange"] = Value("${AKS_API_SERVER_AUTHORIZED_IP_RANGE}"),
            ["publicCertificateIssuer"] = Value("${PUBLIC_CERTIFICATE_ISSUER=Self}"),
            ["useAvailabilityZones"] = Value("${AZURE_USE_AVAILABILITY_ZONES=true}"),
        };
        var file = new JsonObject
        {
            ["$schema"] = "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
            ["contentVersion"] = "1.0.0.0",
            ["parameters"] = parameters,
        };
        return file.ToJsonString(new JsonSerializerOptions { WriteIndented = true }).ReplaceLineEndings("\n") + "\n";
    }

    private static JsonObject Value(string value) => new() { ["value"] = value };
}
