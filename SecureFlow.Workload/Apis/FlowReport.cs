using System.Diagnostics;
using Microsoft.Extensions.Options;
using SecureFlow.Contracts.Dashboard;
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
        var traceId = Activity.Current?.TraceId.ToString();
        var dashboard = context.RequestServices.GetRequiredService<IOptions<DashboardOptions>>().Value;

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
            TraceId: traceId,
            HeaderNames: [.. request.Headers.Keys.Order(StringComparer.OrdinalIgnoreCase)],
            TraceUrl: traceId is null ? null : dashboard.TraceUrl(traceId)?.ToString()), ordersView);
    }
}

/// <summary>
/// The last leg, from the ingress to the workload (mutual TLS inside the cluster), with the
/// names (never the values) of the request headers that reached the workload, and the trace's page in this run's
/// dashboard (none when published, or run without a dashboard).
/// </summary>
public sealed record WorkloadView(
    string Service, string Host, string Protocol, string Scheme, string ForwardedFor, string ForwardedHost, string? TraceId, IReadOnlyList<string> HeaderNames,
    string? TraceUrl = null);
