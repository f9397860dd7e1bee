using System.Net;
using System.Text;
using System.Text.Json;
using SecureFlow.Workload.Orders;

namespace SecureFlow.Workload.Apis;

public static class FlowApi
{
    public static IEndpointRouteBuilder MapFlowApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);

        app.MapGet("/api/flow", async (HttpContext context, OrdersClient orders) => TypedResults.Ok(await FlowReport.FromAsync(context, orders)))
            .WithName("GetFlow")
            .WithSummary("The path this request took: each TLS hop's protocol, cipher suite and SNI, then the workload's view.");

        // An API that takes JSON bodies, as most apps behind the edge do: the WAF must let ordinary ones through.
        app.MapPost("/api/flow", async (JsonElement note, HttpContext context, OrdersClient orders) => TypedResults.Ok(await FlowReport.FromAsync(context, orders)))
            .WithName("PostFlow")
            .WithSummary("The same path, for a request that carries a JSON body.");

        app.MapGet("/", async (HttpContext context, OrdersClient orders) => TypedResults.Content(RenderPage(await FlowReport.FromAsync(context, orders)), "text/html; charset=utf-8"))
            .WithName("GetFlowPage")
            .WithSummary("The same path as a page.");

        return app;
    }

    private static string RenderPage(FlowReport flow)
    {
        var rows = new StringBuilder();
        foreach (var hop in flow.Hops)
        {
            rows.Append("<tr><td>").Append(Encode(hop.Hop)).Append("</td><td>").Append(Encode(hop.TlsProtocol))
                .Append("</td><td>").Append(Encode(hop.CipherSuite)).Append("</td><td>").Append(Encode(hop.Sni))
                .Append("</td><td>").Append(Encode(hop.Client ?? "-")).Append("</td><td>").Append(Encode(hop.Server ?? "-")).Append("</td></tr>");
        }

        var workload = flow.Workload;
        var orders = flow.Orders;
        return $"""
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><title>SecureFlow: the path of this request</title>
            <style>body{"{"}font-family:system-ui,sans-serif;margin:2rem{"}"}td,th{"{"}padding:.3rem .8rem;text-align:left;border-bottom:1px solid #ddd{"}"}</style></head>
            <body>
            <h1>The path of this request</h1>
            <table>
            <tr><th>hop</th><th>TLS</th><th>cipher suite</th><th>SNI</th><th>caller identity</th><th>server identity</th></tr>
            {rows}
            <tr><td>{Encode(workload.Service)}</td><td colspan="5">{Encode(workload.Scheme)} {Encode(workload.Protocol)}, Host {Encode(workload.Host)}, trace {Encode(workload.TraceId ?? "-")}</td></tr>
            <tr><td>{Encode(orders.Service)}</td><td colspan="5">{Encode(string.Join(", ", orders.OpenOrders))}</td></tr>
            </table>
            <p>The same as JSON: <a href="/api/flow">/api/flow</a></p>
            </body>
            </html>
            """;
    }

    private static string Encode(string value) => WebUtility.HtmlEncode(value);
}
