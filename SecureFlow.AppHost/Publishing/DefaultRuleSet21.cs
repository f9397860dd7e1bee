namespace SecureFlow.AppHost.Publishing;

/// <summary>
/// Application Gateway's <c>Microsoft_DefaultRuleSet</c> 2.1 as Microsoft documents it ("Web Application Firewall DRS and
/// CRS rule groups and rules", DRS 2.1 tab): its rule groups, each rule's paranoia level, the CRS 3.3.2 ids it keeps and
/// the Microsoft Threat Intelligence rules it adds. DRS 2.1 runs its PL1 and PL2 rules by default; the publish step
/// disables those above the model's paranoia level, so that Azure decides as the local CRS does.
/// </summary>
internal static class DefaultRuleSet21
{
    /// <summary>One rule group: its name as a WAF policy names it, and its rules by paranoia level.</summary>
    /// <param name="LogOnly">Rules outside anomaly scoring that only log by default (never blocking, so never disabled).</param>
    internal sealed record RuleGroup(string Name, IReadOnlyList<int> PL1, IReadOnlyList<int> PL2, IReadOnlyList<int> LogOnly);

    public static IReadOnlyList<RuleGroup> Groups { get; } =
    [
        new("General",
            PL1: [200002, 200003],
            PL2: [],
            LogOnly: []),
        new("METHOD-ENFORCEMENT",
            PL1: [911100],
            PL2: [],
            LogOnly: []),
        new("PROTOCOL-ENFORCEMENT",
            PL1:
            [
                920100, 920120, 920160, 920170, 920171, 920180, 920181, 920190, 920210, 920220,
                920240, 920260, 920270, 920280, 920290, 920310, 920311, 920330, 920340, 920341,
                920350, 920420, 920430, 920440, 920450, 920470, 920480, 920500,
            ],
            PL2: [920121, 920200, 920201, 920230, 920271, 920300, 920320],
            LogOnly: []),
        new("PROTOCOL-ATTACK",
            PL1: [921110, 921120, 921130, 921140, 921150, 921160, 921190, 921200],
            PL2: [921151],
            LogOnly: []),
        new("LFI",
            PL1: [930100, 930110, 930120, 930130],
            PL2: [],
            LogOnly: []),
        new("RFI",
            PL1: [931100, 931110, 931120],
            PL2: [931130],
            LogOnly: []),
        new("RCE",
            PL1:
            [
                932100, 932105, 932110, 932115, 932120, 932130, 932140, 932150, 932160, 932170,
                932171, 932180,
            ],
            PL2: [],
            LogOnly: []),
        new("PHP",
            PL1:
            [
                933100, 933110, 933120, 933130, 933140, 933150, 933160, 933170, 933180, 933200,
                933210,
            ],
            PL2: [933151],
            LogOnly: []),
        new("NODEJS",
            PL1: [934100],
            PL2: [],
            LogOnly: []),
        new("XSS",
            PL1:
            [
                941100, 941110, 941120, 941130, 941140, 941160, 941170, 941180, 941190, 941200,
                941210, 941220, 941230, 941240, 941250, 941260, 941270, 941280, 941290, 941300,
                941310, 941350, 941360, 941370,
            ],
            PL2: [941101, 941150, 941320, 941330, 941340, 941380],
            LogOnly: []),
        new("SQLI",
            PL1:
            [
                942100, 942140, 942160, 942170, 942190, 942220, 942230, 942240, 942250, 942270,
                942280, 942290, 942320, 942350, 942360, 942500,
            ],
            PL2:
            [
                942110, 942120, 942130, 942150, 942180, 942200, 942210, 942260, 942300, 942310,
                942330, 942340, 942361, 942370, 942380, 942390, 942400, 942410, 942430, 942440,
                942450, 942470, 942480, 942510,
            ],
            LogOnly: []),
        new("FIXATION",
            PL1: [943100, 943110, 943120],
            PL2: [],
            LogOnly: []),
        new("JAVA",
            PL1: [944100, 944110, 944120, 944130],
            PL2: [944200, 944210, 944240, 944250],
            LogOnly: []),
        new("MS-ThreatIntel-WebShells",
            PL1: [],
            PL2: [99005002, 99005003, 99005004, 99005005, 99005006],
            LogOnly: []),
        new("MS-ThreatIntel-AppSec",
            PL1: [],
            PL2: [99030001, 99030002],
            LogOnly: []),
        new("MS-ThreatIntel-SQLI",
            PL1: [],
            PL2: [99031001, 99031002, 99031003, 99031004],
            LogOnly: []),
        new("MS-ThreatIntel-CVEs",
            PL1: [],
            PL2:
            [
                99001001, 99001002, 99001003, 99001004, 99001005, 99001006, 99001007, 99001008, 99001009, 99001010,
                99001011, 99001012, 99001013, 99001014, 99001015, 99001016,
            ],
            LogOnly: [99001017]),
    ];

    private static readonly Dictionary<int, (string Group, int? ParanoiaLevel)> Rules = Groups
        .SelectMany(group => group.PL1.Select(id => (id, group.Name, (int?)1))
            .Concat(group.PL2.Select(id => (id, group.Name, (int?)2)))
            .Concat(group.LogOnly.Select(id => (id, group.Name, (int?)null))))
        .ToDictionary(rule => rule.id, rule => (rule.Name, rule.Item3));

    /// <summary>Whether DRS 2.1 has a rule of this id.</summary>
    public static bool Contains(int ruleId) => Rules.ContainsKey(ruleId);

    /// <summary>The rule group of a DRS 2.1 rule (a WAF policy names a rule by its group).</summary>
    public static string GroupOf(int ruleId) => Rules.TryGetValue(ruleId, out var rule)
        ? rule.Group
        : throw new InvalidOperationException($"WAF rule {ruleId} is not a rule of Microsoft_DefaultRuleSet 2.1.");

    /// <summary>The anomaly-scoring rules above <paramref name="paranoiaLevel"/>, which the local CRS does not run at that level.</summary>
    public static IEnumerable<int> AboveParanoiaLevel(int paranoiaLevel) =>
        Rules.Where(rule => rule.Value.ParanoiaLevel > paranoiaLevel).Select(rule => rule.Key).Order();
}
