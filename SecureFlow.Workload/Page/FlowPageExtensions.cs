using SecureFlow.Contracts;
using SecureFlow.Contracts.Dashboard;

namespace SecureFlow.Workload.Page;

public static class FlowPageExtensions
{
    /// <summary>The flow page's settings: where this run's dashboard is, for the trace link (the model's <c>WithDashboardLinks</c>).</summary>
    public static IHostApplicationBuilder AddFlowPage(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.AddServiceOptions<DashboardOptions, DashboardOptionsValidator>();
        return builder;
    }

    /// <summary>The page's security headers on every response, then its static files (<c>wwwroot</c>: HTML, CSS, JavaScript; no build step).</summary>
    public static WebApplication UseFlowPage(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        app.UseMiddleware<FlowPageSecurityHeaders>();
        app.UseStaticFiles();
        return app;
    }
}
