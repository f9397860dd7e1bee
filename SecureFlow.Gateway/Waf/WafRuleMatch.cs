using System.Globalization;
using System.Text.RegularExpressions;

namespace SecureFlow.Gateway.Waf;

/// <summary>A rule that matched a request, read from the engine's message: its id, its message and its severity.</summary>
internal sealed partial record WafRuleMatch(int RuleId, string Message, int Severity)
{
    /// <summary>
    /// Parses <c>[id "942100"] [msg "..."] [severity "2"]</c> from a ModSecurity message. Only these fields are kept:
    /// the matched data (<c>[data "..."]</c>) is request content and may carry secrets, so it is never logged.
    /// </summary>
    public static WafRuleMatch? TryParse(string message)
    {
        var id = RuleIdField().Match(message);
        if (!id.Success)
        {
            return null;
        }

        var text = MessageField().Match(message);
        var severity = SeverityField().Match(message);
        return new WafRuleMatch(
            int.Parse(id.Groups[1].ValueSpan, CultureInfo.InvariantCulture),
            text.Success ? text.Groups[1].Value : "",
            severity.Success ? int.Parse(severity.Groups[1].ValueSpan, CultureInfo.InvariantCulture) : -1);
    }

    [GeneratedRegex("""\[id "(\d+)"\]""")]
    private static partial Regex RuleIdField();

    [GeneratedRegex("""\[msg "((?:[^"\\]|\\.)*)"\]""")]
    private static partial Regex MessageField();

    [GeneratedRegex("""\[severity "(\d)"\]""")]
    private static partial Regex SeverityField();
}
