using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SecureFlow.Gateway.Waf;

/// <summary>
/// Turns <see cref="WafOptions"/> into ModSecurity directives: the engine settings, the CRS settings Application Gateway
/// uses (paranoia level, anomaly threshold), the CRS rule files and the model's exclusions.
/// </summary>
internal static partial class ModSecurityDirectives
{
    /// <summary>The CRS ships the files that wrap its rules (for site exclusions) beside its setup file.</summary>
    private const string ExclusionsBeforeCrs = "REQUEST-900-EXCLUSION-RULES-BEFORE-CRS.conf";
    private const string ExclusionsAfterCrs = "RESPONSE-999-EXCLUSION-RULES-AFTER-CRS.conf";

    /// <summary>
    /// The directives for <paramref name="options"/>, which <see cref="WafOptionsValidator"/> has checked (options are
    /// validated when they are created), so that no value is spliced into a directive unchecked.
    /// </summary>
    public static string Build(WafOptions options, IReadOnlyList<string> ruleFiles)
    {
        ArgumentNullException.ThrowIfNull(options);

        var directives = new StringBuilder();
        Line(directives, $"SecRuleEngine {(options.Mode == WafMode.Prevention ? "On" : "DetectionOnly")}");
        Line(directives, "SecRequestBodyAccess On");
        Line(directives, $"SecRequestBodyLimit {options.RequestBodyLimitInKb * 1024}");
        Line(directives, $"SecRequestBodyNoFilesLimit {options.RequestBodyLimitInKb * 1024}");
        Line(directives, "SecRequestBodyLimitAction Reject");
        Line(directives, "SecResponseBodyAccess Off");
        BodyProcessing(directives);

        // Set before the CRS setup file so that its defaults (applied only when unset) keep these values.
        Line(directives, $"SecAction \"id:900000,phase:1,nolog,pass,t:none,setvar:tx.paranoia_level={options.ParanoiaLevel},setvar:tx.executing_paranoia_level={options.ParanoiaLevel}\"");
        Line(directives, $"SecAction \"id:900110,phase:1,nolog,pass,t:none,setvar:tx.inbound_anomaly_score_threshold={options.AnomalyThreshold},setvar:tx.outbound_anomaly_score_threshold=4\"");

        // libmodsecurity rejects IncludeOptional (Debian's owasp-crs.load): every file is included by name.
        var setupFolder = Path.GetDirectoryName(options.CrsSetupPath) ?? "";
        Include(directives, options.CrsSetupPath);
        IncludeIfPresent(directives, Path.Combine(setupFolder, ExclusionsBeforeCrs));
        foreach (var file in ruleFiles)
        {
            Include(directives, file);
        }

        IncludeIfPresent(directives, Path.Combine(setupFolder, ExclusionsAfterCrs));

        foreach (var ruleId in options.DisabledRuleIds)
        {
            Line(directives, $"SecRuleRemoveById {ruleId}");
        }

        foreach (var exclusion in options.Exclusions)
        {
            var target = $"!{Collection(exclusion.MatchVariable)}{Selector(exclusion)}";
            if (exclusion.RuleIds.Count == 0)
            {
                Line(directives, $"SecRuleUpdateTargetByTag \"OWASP_CRS\" \"{target}\"");
            }

            foreach (var ruleId in exclusion.RuleIds)
            {
                Line(directives, $"SecRuleUpdateTargetById {ruleId} \"{target}\"");
            }
        }

        return directives.ToString();
    }

    /// <summary>
    /// ModSecurity's recommended request body handling (its modsecurity.conf-recommended, rules 200001-200007). JSON
    /// bodies, what the workload's API speaks, are parsed so that the CRS sees their values as arguments, as it sees form
    /// fields; without it an injection in a JSON body is never matched. A body the engine cannot parse, a multipart body
    /// that fails strict validation or one with more arguments than it parses is refused (400) rather than forwarded
    /// uninspected: a lenient backend parser could read what the engine could not. XML bodies are not parsed (nor are they
    /// by the reference WAF): the CRS matches their raw text only. In Detection mode these rules, like all, only log.
    /// </summary>
    private static void BodyProcessing(StringBuilder directives) => directives.Append(
        """
        SecRequestBodyJsonDepthLimit 512
        SecArgumentsLimit 1000
        SecPcreMatchLimit 1000
        SecPcreMatchLimitRecursion 1000
        SecRule REQUEST_HEADERS:Content-Type "^application/json" "id:200001,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=JSON"
        SecRule &ARGS "@ge 1000" "id:200007,phase:2,t:none,log,deny,status:400,msg:'Failed to fully parse request body due to large argument count',severity:2"
        SecRule REQBODY_ERROR "!@eq 0" "id:200002,phase:2,t:none,log,deny,status:400,msg:'Failed to parse request body.',severity:2"
        SecRule MULTIPART_STRICT_ERROR "!@eq 0" "id:200003,phase:2,t:none,log,deny,status:400,msg:'Multipart request body failed strict validation',severity:2"
        SecRule MULTIPART_UNMATCHED_BOUNDARY "@eq 1" "id:200004,phase:2,t:none,log,deny,msg:'Multipart parser detected a possible unmatched boundary.'"
        SecRule TX:/^MSC_/ "!@streq 0" "id:200005,phase:2,t:none,log,deny,msg:'ModSecurity internal error flagged: %{MATCHED_VAR_NAME}'"

        """);

    private static string Collection(WafMatchVariable matchVariable) => matchVariable switch
    {
        WafMatchVariable.RequestArgNames => "ARGS",
        WafMatchVariable.RequestHeaderNames => "REQUEST_HEADERS",
        WafMatchVariable.RequestCookieNames => "REQUEST_COOKIES",
        _ => throw new ArgumentOutOfRangeException(nameof(matchVariable), matchVariable, "Not a WAF exclusion match variable."),
    };

    private static string Selector(WafExclusionOptions exclusion) => exclusion.SelectorMatchOperator switch
    {
        WafSelectorMatchOperator.Equals => ":" + exclusion.Selector,
        WafSelectorMatchOperator.StartsWith => $":/^{Regex.Escape(exclusion.Selector)}/",
        WafSelectorMatchOperator.EndsWith => $":/{Regex.Escape(exclusion.Selector)}$/",
        WafSelectorMatchOperator.Contains => $":/{Regex.Escape(exclusion.Selector)}/",
        WafSelectorMatchOperator.EqualsAny => "",
        _ => throw new ArgumentOutOfRangeException(nameof(exclusion), exclusion.SelectorMatchOperator, "Not a WAF exclusion operator."),
    };

    private static void Include(StringBuilder directives, string path) => Line(directives, $"Include \"{path}\"");

    private static void IncludeIfPresent(StringBuilder directives, string path)
    {
        if (File.Exists(path))
        {
            Include(directives, path);
        }
    }

    private static void Line(StringBuilder directives, string line) => directives.Append(CultureInfo.InvariantCulture, $"{line}\n");
}
