using Microsoft.Extensions.Options;

namespace SecureFlow.Contracts;

/// <summary>
/// The one validator of an options type: the service runs it at start (<c>ValidateOnStart</c>), the model when a value
/// is set. <see cref="Check"/> names every bad value, not only the first.
/// </summary>
public abstract class ServiceOptionsValidator<TOptions> : IValidateOptions<TOptions> where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        var failures = new ValidationFailures();
        Check(options, failures);
        return failures.Result;
    }

    protected abstract void Check(TOptions options, ValidationFailures failures);
}
