using Microsoft.Extensions.Options;

namespace SecureFlow.Contracts;

/// <summary>Collects what a validator refuses, so that one run names every bad value rather than the first.</summary>
public sealed class ValidationFailures
{
    private readonly List<string> _failures = [];

    public void Require(bool condition, string message)
    {
        if (!condition)
        {
            _failures.Add(message);
        }
    }

    public ValidateOptionsResult Result => _failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_failures);
}
