using System.Collections;
using System.Globalization;
using System.Text;

namespace SecureFlow.AppHost.Publishing.Bicep;

/// <summary>
/// Writes values as Bicep: strings quoted and escaped, <see cref="BicepExpression"/> as is, objects and arrays one
/// item per line. Property names that are not identifiers are quoted.
/// </summary>
internal static class BicepValueWriter
{
    private const string Indent = "  ";

    public static void Write(StringBuilder text, object value, int depth)
    {
        switch (value)
        {
            case BicepExpression expression:
                text.Append(expression.Text);
                break;
            case string literal:
                text.Append(Quote(literal));
                break;
            case bool flag:
                text.Append(flag ? "true" : "false");
                break;
            case int number:
                text.Append(number.ToString(CultureInfo.InvariantCulture));
                break;
            case BicepObject properties:
                WriteObject(text, properties, depth);
                break;
            case IEnumerable items:
                WriteArray(text, items, depth);
                break;
            default:
                throw new ArgumentException($"A {value.GetType().Name} has no Bicep form.", nameof(value));
        }
    }

    public static string Quote(string literal) =>
        "'" + literal.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)
            .Replace("${", "\\${", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "'";

    private static void WriteObject(StringBuilder text, BicepObject properties, int depth)
    {
        if (!properties.Any())
        {
            text.Append("{}");
            return;
        }

        text.Append('{').Append('\n');
        foreach (var property in properties)
        {
            var indent = string.Concat(Enumerable.Repeat(Indent, depth + 1));
            if (property.Why is { } why)
            {
                text.Append(indent).Append("// ").Append(why).Append('\n');
            }

            text.Append(indent).Append(Key(property.Name)).Append(": ");
            Write(text, property.Value, depth + 1);
            text.Append('\n');
        }

        text.Append(string.Concat(Enumerable.Repeat(Indent, depth))).Append('}');
    }

    private static void WriteArray(StringBuilder text, IEnumerable items, int depth)
    {
        var values = items.Cast<object>().ToList();
        if (values.Count == 0)
        {
            text.Append("[]");
            return;
        }

        text.Append('[').Append('\n');
        foreach (var item in values)
        {
            text.Append(string.Concat(Enumerable.Repeat(Indent, depth + 1)));
            Write(text, item, depth + 1);
            text.Append('\n');
        }

        text.Append(string.Concat(Enumerable.Repeat(Indent, depth))).Append(']');
    }

    /// <summary>An identifier as is; a name already in quotes as is (an interpolated key such as <c>'${id}'</c>); else quoted.</summary>
    private static string Key(string name) =>
        IsIdentifier(name) || (name.Length > 1 && name[0] == '\'' && name[^1] == '\'') ? name : Quote(name);

    private static bool IsIdentifier(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
