using Microsoft.Extensions.Options;
using SecureFlow.Contracts;
using SecureFlow.Contracts.ServiceGraph;
using SecureFlow.Workload.Orders;

namespace SecureFlow.Workload.Extensions;

public static class WorkloadExtensions
{
    /// <summary>
    /// The client of the orders service, at the address the model's graph gives it (<c>ServiceCalls</c>); a workload
    /// the model does not let call orders has none and fails at its first request, saying so.
    /// </summary>
    public static IHostApplicationBuilder AddOrdersClient(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.AddServiceOptions<ServiceCallsOptions, ServiceCallsOptionsValidator>();
        builder.Services.AddHttpClient<OrdersClient>((services, http) =>
        {
            var calls = services.GetRequiredService<IOptions<ServiceCallsOptions>>().Value;
            http.BaseAddress = calls.Services.TryGetValue(OrdersClient.ServiceName, out var orders)
                ? new Uri(orders.Destination)
                : throw new InvalidOperationException($"The app model lets this workload call no '{OrdersClient.ServiceName}': add workload.WithCallsTo(orders) in AppHost.cs.");
        });
        return builder;
    }
}
