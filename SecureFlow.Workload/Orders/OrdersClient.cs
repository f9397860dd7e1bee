using System.Net.Http.Json;
using SecureFlow.ServiceDefaults.Hops;

namespace SecureFlow.Workload.Orders;

/// <summary>The workload's one call inside the cluster: <c>GET /api/orders</c> on the orders service the model names.</summary>
public sealed class OrdersClient(HttpClient http)
{
    /// <summary>The name of the service in the model's graph (<c>workload.WithCallsTo(orders)</c>).</summary>
    public const string ServiceName = "orders";

    public async Task<OrdersView> GetAsync(CancellationToken cancellationToken) =>
        await http.GetFromJsonAsync<OrdersView>("/api/orders", cancellationToken)
            ?? throw new HttpRequestException($"'{ServiceName}' answered /api/orders with an empty body.");
}

/// <summary>What orders saw of the workload's call, and its answer.</summary>
public sealed record OrdersView(string Service, HopRecord Hop, string Protocol, string Scheme, string Host, string? TraceId, IReadOnlyList<string> OpenOrders);
