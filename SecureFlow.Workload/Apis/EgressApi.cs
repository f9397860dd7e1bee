using Microsoft.Extensions.Options;
using SecureFlow.Contracts;
using SecureFlow.Contracts.Egress;

namespace SecureFlow.Workload.Apis;

/// <summary>
/// <c>GET /api/egress</c>: the workload's one outbound call, to the first host the model allows it, through the egress
/// firewall (the process's <c>HTTPS_PROXY</c>, locally the egress firewall's port for this service; in AKS the route
/// to Azure Firewall). The report says what the firewall decided.
/// </summary>
public static class EgressApi
{
    /// <summary>One try, bounded: a denial is an answer, not something to retry.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    public static IServiceCollection AddEgressCall(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddServiceOptions<EgressOptions, EgressOptionsValidator>();

        // Not from IHttpClientFactory: its default resilience handler would retry a denial. The handler's proxy is
        // HttpClient.DefaultProxy, read from HTTPS_PROXY, HTTP_PROXY and NO_PROXY.
        services.AddSingleton(_ => new EgressClient(new HttpClient(new SocketsHttpHandler { ConnectTimeout = CallTimeout }) { Timeout = CallTimeout }));
        return services;
    }

    public static IEndpointRouteBuilder MapEgressApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);

        app.MapGet("/api/egress", CallAsync)
            .WithName("GetEgress")
            .WithSummary("The workload's outbound call to the host the model allows it, and what the egress firewall decided.");
        return app;
    }

    private static async Task<IResult> CallAsync(EgressClient egress, IOptions<EgressOptions> options, CancellationToken cancellationToken)
    {
        var destination = options.Value.Destinations
            .Select(value => EgressDestination.TryParse(value, out var parsed, out _) ? parsed : null)
            .FirstOrDefault(parsed => parsed is { IsWildcard: false });
        if (destination is null)
        {
            return TypedResults.Problem("The app model allows this workload no egress host to call (WithEgressTo).", statusCode: StatusCodes.Status404NotFound);
        }

        return TypedResults.Ok(await egress.CallAsync(destination, cancellationToken));
    }
}
