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
            .WithSummary("The path this request took: each TLS hop's protocol, cipher suite, SNI and certificate, then the workload's view.");

        // An API that takes JSON bodies, as most apps behind the edge do: the WAF must let ordinary ones through.
        app.MapPost("/api/flow", async (JsonElement note, HttpContext context, OrdersClient orders) => TypedResults.Ok(await FlowReport.FromAsync(context, orders)))
            .WithName("PostFlow")
            .WithSummary("The same path, for a request that carries a JSON body.");

        // The page is static (wwwroot): its script reads /api/flow, so the page runs under a CSP with no inline code.
        app.MapGet("/", (IWebHostEnvironment environment) => TypedResults.PhysicalFile(environment.WebRootFileProvider.GetFileInfo("index.html").PhysicalPath!, "text/html; charset=utf-8"))
            .WithName("GetFlowPage")
            .WithSummary("The flow inspector: a picture of the path this request took, and a panel that tries the controls.");

        return app;
    }
}
