using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using SecureFlow.AppHost.Networking;
using SecureFlow.AppHost.Tests.Infrastructure;
using SecureFlow.Contracts.ServiceGraph;

namespace SecureFlow.AppHost.Tests.Networking;

/// <summary>Who may call whom is stated once in the model; the graph, the services' configuration and the dashboard read it there.</summary>
public sealed class ServiceGraphModelTests
{
    [Fact]
    public void TheGraphIsTheEdgesBackendTheIngressRoutesAndTheServicesCalls()
    {
        var builder = Model(out _, out _);

        var edges = ServiceGraph.Edges(builder.Resources).Select(edge => $"{edge.Caller.Name} -> {edge.Callee.Name}");

        Assert.Equal(["workload -> orders", "ingress -> workload", "edge -> ingress"], edges);
    }

    [Fact]
    public async Task TheCallerIsToldWhereTheServicesItCallsAreAndTheCalleeIsToldNothing()
    {
        var builder = Model(out var workload, out var orders);

        var environments = await RunModeEnvironment.OfEachAsync(builder, workload.Resource, orders.Resource);

        var calls = RunModeEnvironment.Bind<ServiceCallsOptions>(environments[0]);
        Assert.Equal(["orders"], calls.Services.Keys);
        Assert.Equal("http://orders", calls.Services["orders"].Destination);
        Assert.Empty(RunModeEnvironment.Bind<ServiceCallsOptions>(environments[1]).Services);
    }

    [Fact]
    public void TheDashboardDrawsTheCallAsARelationship()
    {
        var builder = Model(out var workload, out _);

        Assert.Contains(workload.Resource.Annotations.OfType<ResourceRelationshipAnnotation>(), relationship => relationship.Resource.Name == "orders");
    }

    [Fact]
    public void AServiceCannotCallItself()
    {
        var builder = DistributedApplication.CreateBuilder();
        var workload = builder.AddProject<Projects.SecureFlow_Workload>("workload");

        var refused = Assert.Throws<ArgumentException>(() => workload.WithCallsTo(workload));

        Assert.Contains("cannot call itself", refused.Message, StringComparison.Ordinal);
    }

    private static IDistributedApplicationBuilder Model(out IResourceBuilder<ProjectResource> workload, out IResourceBuilder<ProjectResource> orders)
    {
        var builder = DistributedApplication.CreateBuilder();
        var vault = builder.AddKeyVault("vault");
        orders = builder.AddProject<Projects.SecureFlow_Orders>("orders");
        workload = builder.AddProject<Projects.SecureFlow_Workload>("workload").WithCallsTo(orders);
        var ingress = builder.AddIngressController("ingress").WithCertificate(vault.AddCertificate("ingress-tls", "*.aks-ingress.secureflow.localhost"))
            .WithRoute("workload.aks-ingress.secureflow.localhost", workload);
        builder.AddApplicationGateway("edge").WithCertificate(vault.AddCertificate("edge-tls", "delta.secureflow.localhost"))
            .WithBackend(ingress, "workload.aks-ingress.secureflow.localhost");
        return builder;
    }
}
