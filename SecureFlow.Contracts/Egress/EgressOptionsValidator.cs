namespace SecureFlow.Contracts.Egress;

/// <summary>The one check of <see cref="EgressOptions"/>, run by the model and at the service's start.</summary>
public sealed class EgressOptionsValidator : ServiceOptionsValidator<EgressOptions>
{
    protected override void Check(EgressOptions options, ValidationFailures failures)
    {
        foreach (var destination in options.Destinations)
        {
            failures.Require(EgressDestination.TryParse(destination, out _, out var error), $"Egress:Destinations: {error}");
        }
    }
}
