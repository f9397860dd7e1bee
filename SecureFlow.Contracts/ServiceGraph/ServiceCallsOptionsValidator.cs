namespace SecureFlow.Contracts.ServiceGraph;

/// <summary>The one check of the services a service calls, run at its start (and by the model when it writes them).</summary>
public sealed class ServiceCallsOptionsValidator : ServiceOptionsValidator<ServiceCallsOptions>
{
    public static ServiceCallsOptionsValidator Instance { get; } = new();

    protected override void Check(ServiceCallsOptions options, ValidationFailures failures)
    {
        foreach (var (service, call) in options.Services)
        {
            failures.Require(Uri.TryCreate(call.Destination, UriKind.Absolute, out var destination) && destination.Scheme is "https" or "http" && destination.AbsolutePath == "/",
                $"ServiceCalls: '{service}' needs an http or https destination with no path, such as 'https://{service}', not '{call.Destination}'.");
            failures.Require(call.SpiffeId is null || (MutualTls.SpiffeId.IsValid(call.SpiffeId) && call.Destination.StartsWith("https://", StringComparison.Ordinal)),
                $"ServiceCalls: '{service}' is called over mutual TLS as '{call.SpiffeId}': that needs a SPIFFE id and an https destination.");
        }
    }
}
