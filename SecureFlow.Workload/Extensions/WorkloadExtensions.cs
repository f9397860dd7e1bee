using Microsoft.Extensions.Options;
using SecureFlow.Contracts;
using SecureFlow.Contracts.ServiceGraph;
using SecureFlow.ServiceDefaults.MutualTls;
using SecureFlow.ServiceDefaults.Tls;
using SecureFlow.Workload.Orders;

namespace SecureFlow.Workload.Extensions;

public static class WorkloadExtensions
{
    /// <summary>
    /// The client of the orders service, at the address the model's graph gives it (<c>ServiceCalls</c>), over mutual
    /// TLS only: it presents the workload's certificate and accepts only the identity the model gives orders. A workload
    /// the model does not let call orders has no such client and fails its first request, saying so.
    /// </summary>
    public static IHostApplicationBuilder AddOrdersClient(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.AddServiceOptions<ServiceCallsOptions, ServiceCallsOptionsValidator>();
        builder.Services.AddHttpClient<OrdersClient>((services, http) => http.BaseAddress = new Uri(Orders(services).Destination))
            .ConfigurePrimaryHttpMessageHandler(services =>
            {
                var handler = new SocketsHttpHandler();
                var identity = Orders(services).SpiffeId ?? throw new InvalidOperationException(
                    $"'{OrdersClient.ServiceName}' is called over mutual TLS only, but the model gives it no identity: call WithMutualTls on it in AppHost.cs.");
                MutualTlsClient.Configure(
                    handler, services.GetRequiredService<ServiceCertificate>(), services.GetRequiredService<KestrelTlsPolicy>(), identity,
                    services.GetRequiredService<MutualTlsMetrics>(), services.GetRequiredService<ILoggerFactory>().CreateLogger<OrdersClient>());
                return handler;
            });
        return builder;
    }

    private static ServiceCallOptions Orders(IServiceProvider services) =>
        services.GetRequiredService<IOptions<ServiceCallsOptions>>().Value.Services.TryGetValue(OrdersClient.ServiceName, out var orders)
            ? orders
            : throw new InvalidOperationException($"The app model lets this workload call no '{OrdersClient.ServiceName}': add workload.WithCallsTo(orders) in AppHost.cs.");
}
