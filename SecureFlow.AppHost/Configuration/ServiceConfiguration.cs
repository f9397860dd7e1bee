using System.Collections;
using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using SecureFlow.Contracts;

namespace SecureFlow.AppHost.Configuration;

/// <summary>
/// The one writer from the contract's options (<see cref="IServiceOptions"/>) to a service's environment, in the
/// configuration binder's key shape (<c>Section__Property__Key__Index</c>) derived from the types, so that renaming a
/// property renames its key on both sides. Run mode writes a process's environment with it, publish mode a
/// Deployment's. A property equal to its type's default is left out: the service binds the same value without it
/// (and a machine's own settings, such as the WAF engine's path, are never overwritten by the model).
/// </summary>
internal static class ServiceConfiguration
{
    private const string Separator = "__";

    public static void Write<TOptions>(IDictionary<string, object> environment, TOptions options)
        where TOptions : class, IServiceOptions, new()
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(options);

        WriteObject(environment, TOptions.SectionName, options, new TOptions());
    }

    /// <summary>The environment key of one property: <c>Key&lt;GatewayOptions&gt;(o =&gt; o.Https.Port)</c> is <c>Gateway__Https__Port</c>.</summary>
    public static string Key<TOptions>(Expression<Func<TOptions, object?>> property) where TOptions : IServiceOptions
    {
        ArgumentNullException.ThrowIfNull(property);

        var names = new Stack<string>();
        var expression = property.Body is UnaryExpression { NodeType: ExpressionType.Convert } convert ? convert.Operand : property.Body;
        while (expression is MemberExpression member)
        {
            names.Push(member.Member.Name);
            expression = member.Expression;
        }

        if (expression is not ParameterExpression || names.Count == 0)
        {
            throw new ArgumentException($"'{property}' is not a chain of properties of {typeof(TOptions).Name}.", nameof(property));
        }

        return string.Join(Separator, [TOptions.SectionName, .. names]);
    }

    /// <param name="defaults">The same object as the service would bind it with nothing set, or null to write every property.</param>
    private static void WriteObject(IDictionary<string, object> environment, string key, object options, object? defaults)
    {
        foreach (var property in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(property => property.CanRead && property.CanWrite))
        {
            WriteValue(environment, key + Separator + property.Name, property.GetValue(options), defaults is null ? null : property.GetValue(defaults), defaults is not null);
        }
    }

    /// <summary>
    /// An element of a list or dictionary: its defaults are left out too, unless that would leave nothing of it (the
    /// element would then not exist for the binder, and a list's indexes would shift).
    /// </summary>
    private static void WriteElement(IDictionary<string, object> environment, string key, object? element)
    {
        var count = environment.Count;
        var defaults = element is null || element.GetType().GetConstructor(Type.EmptyTypes) is null ? null : Activator.CreateInstance(element.GetType());
        WriteValue(environment, key, element, defaults, omitDefault: defaults is not null);
        if (environment.Count == count && element is not null)
        {
            WriteValue(environment, key, element, null, omitDefault: false);
        }
    }

    private static void WriteValue(IDictionary<string, object> environment, string key, object? value, object? defaultValue, bool omitDefault)
    {
        switch (value)
        {
            case null:
                return;
            case string or bool or Enum or int or long or TimeSpan or Uri:
                if (!omitDefault || !Equals(value, defaultValue))
                {
                    environment[key] = Scalar(value);
                }

                return;
            case IDictionary dictionary:
                foreach (DictionaryEntry entry in dictionary)
                {
                    WriteElement(environment, key + Separator + Convert.ToString(entry.Key, CultureInfo.InvariantCulture), entry.Value);
                }

                return;
            case IEnumerable list:
                var index = 0;
                foreach (var item in list)
                {
                    WriteElement(environment, key + Separator + index.ToString(CultureInfo.InvariantCulture), item);
                    index++;
                }

                return;
            default:
                WriteObject(environment, key, value, omitDefault ? defaultValue : null);
                return;
        }
    }

    private static string Scalar(object value) => value switch
    {
        TimeSpan interval => interval.ToString("c", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
