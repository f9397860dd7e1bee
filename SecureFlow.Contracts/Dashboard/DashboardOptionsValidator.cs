namespace SecureFlow.Contracts.Dashboard;

/// <summary>The one check of the dashboard's address, run by the model and at the service's start.</summary>
public sealed class DashboardOptionsValidator : ServiceOptionsValidator<DashboardOptions>
{
    public static DashboardOptionsValidator Instance { get; } = new();

    protected override void Check(DashboardOptions options, ValidationFailures failures)
    {
        // The page renders it as a link: only an absolute http(s) address, never javascript: or a relative path.
        failures.Require(
            options.Url is null || options.Url.IsAbsoluteUri && (options.Url.Scheme == Uri.UriSchemeHttps || options.Url.Scheme == Uri.UriSchemeHttp),
            $"Dashboard:Url '{options.Url}' is not an absolute http or https address.");
    }
}
