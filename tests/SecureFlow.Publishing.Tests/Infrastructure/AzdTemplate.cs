using System.Text.RegularExpressions;

namespace SecureFlow.Publishing.Tests.Infrastructure;

/// <summary>What azd does to a <c>*.tmpl.yaml</c> before applying it: every <c>${VAR}</c> replaced from its environment.</summary>
internal static partial class AzdTemplate
{
    public static string Substitute(string template, IReadOnlyDictionary<string, string> environment) =>
        Variable().Replace(template, match => environment.TryGetValue(match.Groups[1].Value, out var value)
            ? value
            : throw new InvalidOperationException($"The template uses ${{{match.Groups[1].Value}}}, which the azd environment does not set."));

    /// <summary>Values of the shape azd sets after provisioning (Bicep outputs and azd's own variables).</summary>
    public static IReadOnlyDictionary<string, string> SampleEnvironment { get; } = new Dictionary<string, string>
    {
        ["DOMAIN_NAME"] = "contoso.com",
        ["AZURE_TENANT_ID"] = "00000000-0000-0000-0000-000000000001",
        ["AZURE_KEY_VAULT_NAME"] = "kv-abcdefghijklm",
        ["AZURE_KEY_VAULT_ENDPOINT"] = "https://kv-abcdefghijklm.vault.azure.net/",
        ["AZURE_INGRESS_IDENTITY_CLIENT_ID"] = "00000000-0000-0000-0000-000000000002",
        ["AZURE_WORKLOAD_IDENTITY_CLIENT_ID"] = "00000000-0000-0000-0000-000000000003",
        ["AZURE_API_IDENTITY_CLIENT_ID"] = "00000000-0000-0000-0000-000000000004",
        ["AZURE_ORDERS_IDENTITY_CLIENT_ID"] = "00000000-0000-0000-0000-000000000005",
        ["AZURE_STOCK_IDENTITY_CLIENT_ID"] = "00000000-0000-0000-0000-000000000006",
        ["AZURE_IDENTITY_ISSUER_IDENTITY_CLIENT_ID"] = "00000000-0000-0000-0000-000000000007",
        ["SERVICE_INGRESS_IMAGE_NAME"] = "crabc.azurecr.io/secureflow/ingress-dev:azd-deploy-1",
        ["SERVICE_WORKLOAD_IMAGE_NAME"] = "crabc.azurecr.io/secureflow/workload-dev:azd-deploy-1",
        ["SERVICE_API_IMAGE_NAME"] = "crabc.azurecr.io/secureflow/api-dev:azd-deploy-1",
        ["SERVICE_ORDERS_IMAGE_NAME"] = "crabc.azurecr.io/secureflow/orders-dev:azd-deploy-1",
        ["SERVICE_STOCK_IMAGE_NAME"] = "crabc.azurecr.io/secureflow/stock-dev:azd-deploy-1",
        ["SERVICE_IDENTITY_ISSUER_IMAGE_NAME"] = "crabc.azurecr.io/secureflow/identity-issuer-dev:azd-deploy-1",
    };

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex Variable();
}
