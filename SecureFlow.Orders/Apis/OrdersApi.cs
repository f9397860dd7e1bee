using System.Diagnostics;
using SecureFlow.ServiceDefaults.Hops;
using SecureFlow.ServiceDefaults.MutualTls;

namespace SecureFlow.Orders.Apis;

/// <summary>
/// The internal API the workload calls on every <c>/api/flow</c>: never routed from outside, reachable only by the
/// callers the app model allows.
/// </summary>
public static class OrdersApi
{
    public static IEndpointRouteBuilder MapOrdersApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);

        app.MapGet("/api/orders", (HttpContext context) => TypedResults.Ok(OrdersReport.From(context)))
            .WithName("GetOrders")
            .WithSummary("The open orders, with what this service saw of the call: its protocol, scheme and trace.");
        return app;
    }
}

/// <summary>
/// What orders answers: a fixed sample of orders and its view of the call that asked for them, with the mutual TLS
/// hop it arrived over (the caller's identity as orders authenticated it).
/// </summary>
public sealed record OrdersReport(string Service, HopRecord Hop, string Protocol, string Scheme, string Host, string? TraceId, IReadOnlyList<string> OpenOrders)
{
    public static OrdersReport From(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        var request = context.Request;
        var service = context.RequestServices.GetRequiredService<IConfiguration>()["OTEL_SERVICE_NAME"]
            ?? context.RequestServices.GetRequiredService<IHostEnvironment>().ApplicationName;
        return new OrdersReport(
            Service: service,
            Hop: MutualTlsHop.Of(context, service),
            Protocol: request.Protocol,
            Scheme: request.Scheme,
            Host: request.Host.Value ?? "",
            TraceId: Activity.Current?.TraceId.ToString(),
            OpenOrders: ["order-1001", "order-1002"]);
    }
}
