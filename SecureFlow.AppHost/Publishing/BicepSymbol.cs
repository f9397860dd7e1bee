using System.Text;

namespace SecureFlow.AppHost.Publishing;

/// <summary>Turns model names (kebab-case) into Bicep symbolic names (camelCase).</summary>
internal static class BicepSymbol
{
    public static string From(string name)
    {
        var symbol = new StringBuilder();
        var upper = false;
        foreach (var character in name)
        {
            if (!char.IsAsciiLetterOrDigit(character))
            {
                upper = symbol.Length > 0;
                continue;
            }

            symbol.Append(upper ? char.ToUpperInvariant(character) : symbol.Length == 0 ? char.ToLowerInvariant(character) : character);
            upper = false;
        }

        return symbol.ToString();
    }
}
