using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace SecureFlow.Publishing.Tests.Infrastructure;

/// <summary>The shape of AppHost.cs, built in memory so that a test can change the model and publish it.</summary>
internal static class SampleModel
{
    public const string WorkloadHost = "workload.aks-ingress.secureflow.localhost";

    public static IDistributedApplicationBuilder Create(Action<IDistributedApplicationBuilder, IResourceBuilder<IngressControllerResource>>? change = null)
    {
        var builder = DistributedApplication.CreateBuilder();
        var vault = builder.AddKeyVault("vault");
        var edgeCert = vault.AddCertificate("edge-tls", "delta.secureflow.localhost");
        var ingressCert = vault.AddCertificate("ingress-tls", "*.aks-ingress.secureflow.localhost");
        vault.PublishWithIdentityIssuer<Projects.SecureFlow_IdentityIssuer>();
        var orders = builder.AddProject<Projects.SecureFlow_Orders>("orders").WithMutualTls(vault);
        var apiKey = vault.AddSecret("workload-api-key", builder.AddParameter("workload-api-key-value", "value", secret: true));
        var workload = builder.AddProject<Projects.SecureFlow_Workload>("workload")
            .WithKeyVaultAccess(vault, KeyVaultRole.SecretsUser, apiKey).WithEgressTo("api.example.org").WithMutualTls(vault).WithCallsTo(orders);
        var ingress = builder.AddIngressController("ingress").WithCertificate(ingressCert).WithMutualTls(vault).WithRoute(WorkloadHost, workload);
        builder.AddApplicationGateway("edge").WithCertificate(edgeCert).WithBackend(ingress, WorkloadHost);
        change?.Invoke(builder, ingress);
        return builder;
    }

    /// <summary>The model's vault, to add certificates to.</summary>
    public static IResourceBuilder<KeyVaultResource> Vault(IDistributedApplicationBuilder builder) => builder.CreateResourceBuilder<KeyVaultResource>("vault");
}
