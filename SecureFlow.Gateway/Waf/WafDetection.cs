using System.Globalization;
using System.Text.RegularExpressions;

namespace SecureFlow.Gateway.Waf;

/// <summary>What the engine found in one request: the rules that matched and the inbound anomaly score.</summary>
internal sealed partial record WafDetection(IReadOnlyList<WafRuleMatch> Matches, int AnomalyScore)
{
    public static WafDetection From(IEnumerable<string> engineMessages)
    {
        var matches = engineMessages.Select(WafRuleMatch.TryParse).OfType<WafRuleMatch>().DistinctBy(match => match.RuleId).ToList();

        // The CRS blocking rule states the total; below the threshold it does not fire, so add the CRS's own weights up.
        var total = matches.Select(match => TotalScore().Match(match.Message)).FirstOrDefault(found => found.Success);
        var score = total is not null
            ? int.Parse(total.Groups[1].ValueSpan, CultureInfo.InvariantCulture)
            : matches.Sum(match => Weight(match.Severity));
        return new WafDetection(matches, score);
    }

    public bool HasMatches => Matches.Count > 0;

    public string RuleIds => string.Join(',', Matches.Select(match => match.RuleId.ToString(CultureInfo.InvariantCulture)));

    public string Messages => string.Join("; ", Matches.Select(match => match.Message));

    /// <summary>The CRS's anomaly weights by ModSecurity severity: critical 5, error 4, warning 3, notice 2.</summary>
    private static int Weight(int severity) => severity switch
    {
        2 => 5,
        3 => 4,
        4 => 3,
        5 => 2,
        _ => 0,
    };

    [GeneratedRegex(@"Total Score: (\d+)")]
    private static partial Regex TotalScore();
}
