namespace SecureFlow.Contracts.Dashboard;

/// <summary>
/// Where the Aspire dashboard of this run is (section <c>Dashboard</c>), so that a service can link a request to its
/// trace there. Run mode only: a published service has no dashboard and gets no such section.
/// </summary>
public sealed class DashboardOptions : IServiceOptions
{
    public static string SectionName => "Dashboard";

    /// <summary>The dashboard's base address (<c>https://localhost:17201</c>), or null when there is no dashboard.</summary>
    public Uri? Url { get; set; }

    /// <summary>The dashboard's page for one trace, or null when there is no dashboard.</summary>
    public Uri? TraceUrl(string traceId) => Url is null ? null : new Uri(Url, $"traces/detail/{Uri.EscapeDataString(traceId)}");
}
