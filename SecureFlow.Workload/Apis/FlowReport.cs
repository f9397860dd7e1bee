using System.Diagnostics;
using SecureFlow.ServiceDefaults.Hops;
using SecureFlow.ServiceDefaults.MutualTls;
using SecureFlow.Workload.Orders;

namespace SecureFlow.Workload.Apis;

/// <summary>
/// The path a request took: one entry per TLS-terminating hop, in order (from the gateways' hop records), then
/// what the workload itself saw, then what orders saw of the workload's call to it.
/// </summary>
public sealed record FlowReport(IReadOnlyList<HopRecord> Hops, WorkloadView Workload, OrdersView Orders)
{
    public static async Task<FlowReport> FromAsync(HttpContext context, OrdersClient orders)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(orders);

        var request = context.Request;
        var hops = request.Headers[HopRecord.HeaderName]
            .SelectMany(value => (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Select(HopRecord.TryParse)
            .OfType<HopRecord>()
            .ToList();

        var ordersView = await orders.GetAsync(context.RequestAborted);
        var service = context.RequestServices.GetRequiredService<IConfiguration>()["OTEL_SERVICE_NAME"]
            ?? context.RequestServices.GetRequiredService<IHostEnvironment>().ApplicationName;

        // The in-cluster hops: the one this request arrived over, then the workload's call to orders, as each server saw it.
        hops.Add(MutualTlsHop.Of(context, service));
        hops.Add(ordersView.Hop);
        return new FlowReport(hops, new WorkloadView(
            Service: service,
            Host: request.Host.Value ?? "",
            Protocol: request.Protocol,
            Scheme: request.Scheme,
            ForwardedFor: request.Headers["X-Forwarded-For"].ToString(),
            ForwardedHost: request.Headers["X-Forwarded-Host"].ToString(),
            TraceId: Activity.Current?.TraceId.ToString(),
            HeaderNames: [.. request.Headers.Keys.Order(StringComparer.OrdinalIgnoreCase)]), ordersView);
    }
}

/// <summary>
/// The last leg, from the ingress to the workload (mutual TLS inside the cluster), with the
/// names (never the values) of the request headers that reached the workload.
/// </summary>
public sealed record WorkloadView(
    string Service, string Host, string Protocol, string Scheme, string ForwardedFor, string ForwardedHost, string? TraceId, IReadOnlyList<string> HeaderNames);
