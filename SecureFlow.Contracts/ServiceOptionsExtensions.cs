using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SecureFlow.Contracts;

public static class ServiceOptionsExtensions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> from its section and validates it with <typeparamref name="TValidator"/>
    /// when the service starts: a bad value stops the service with the validator's message.
    /// </summary>
    public static OptionsBuilder<TOptions> AddServiceOptions<TOptions, TValidator>(this IServiceCollection services)
        where TOptions : class, IServiceOptions
        where TValidator : class, IValidateOptions<TOptions>
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        return services.AddOptions<TOptions>().BindConfiguration(TOptions.SectionName).ValidateOnStart();
    }

    /// <summary>
    /// The same validation the service runs at start, for the app model: refuses <paramref name="options"/> with the
    /// validator's message, so a bad model value fails at <c>Add*</c>/<c>With*</c> time rather than when a service starts.
    /// </summary>
    public static TOptions ThrowIfInvalid<TOptions>(this IValidateOptions<TOptions> validator, TOptions options, string? paramName = null)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(validator);
        ArgumentNullException.ThrowIfNull(options);

        var result = validator.Validate(Options.DefaultName, options);
        return result.Failed ? throw new ArgumentException(result.FailureMessage, paramName) : options;
    }
}
