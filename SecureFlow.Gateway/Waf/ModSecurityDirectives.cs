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
        Line(directives, $"SecRequestBodyLimit {options.BodyLimitInBytes("multipart/form-data")}");
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
        BodyRefusals(directives);

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
    /// ModSecurity's recommended request body handling (its modsecurity.conf-recommended, rules 200000-200007), widened
    /// to every media type a backend parses as JSON or XML. The engine parses form bodies (URLENCODED, MULTIPART) by
    /// itself; JSON (ASP.NET Core binds <c>application/json</c> and any <c>+json</c> type: CloudEvents, problem details,
    /// JSON:API) and XML (any <c>+xml</c> type, SOAP) only when a rule asks. Without that the CRS never sees a value in
    /// such a body: the CRS allows <c>application/cloudevents+json</c>, so an injection in one reached the backend. The
    /// media type is matched case-insensitively, with parameters (<c>charset</c>) and with the whitespace around the
    /// <c>/</c> that ASP.NET Core's parser accepts. A body the engine cannot parse (200002; not an empty one, which the XML
    /// parser calls an error but which carries nothing), a multipart body that fails strict validation (200003, 200004; a quoted boundary only when it is not
    /// the plain RFC 2046 form, 200012: .NET's HttpClient quotes every boundary, and the recommended rule refused all its
    /// uploads), a body larger than the limit with its files not counted (200011, 413 as Application Gateway answers),
    /// one with 1,000 arguments or more (200007) or a request with two Content-Type headers (200008, which the engine and
    /// a backend could each read differently) is refused (400) rather than forwarded uninspected. External XML entities stay unresolved, so the parser reads nothing but the body. In Detection mode
    /// these rules, like all, only log.
    /// </summary>
    private static void BodyProcessing(StringBuilder directives) => directives.Append(
        """
        SecRequestBodyJsonDepthLimit 512
        SecArgumentsLimit 1000
        SecXmlExternalEntity Off
        SecRule REQUEST_HEADERS:Content-Type "@rx ^[^/;\s]+\s*/\s*(?:[^/;\s]*\+)?xml\s*(?:;|$)" "id:200000,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=XML"
        SecRule REQUEST_HEADERS:Content-Type "@rx ^[^/;\s]+\s*/\s*(?:[^/;\s]*\+)?json\s*(?:;|$)" "id:200001,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=JSON"
        SecRule &REQUEST_HEADERS:Content-Type "@gt 1" "id:200008,phase:1,t:none,log,deny,status:400,msg:'More than one Content-Type header',severity:2"
        SecRule &ARGS "@ge 1000" "id:200007,phase:2,t:none,log,deny,status:400,msg:'Failed to fully parse request body due to large argument count',severity:2"
        SecRule REQBODY_ERROR_MSG "@streq Request body excluding files is bigger than the maximum expected." "id:200011,phase:2,t:none,log,deny,status:413,msg:'Request body, files not counted, larger than the limit',severity:2"
        SecRule REQBODY_ERROR "!@eq 0" "id:200002,phase:2,t:none,log,deny,status:400,msg:'Failed to parse request body. %{REQBODY_ERROR_MSG}',severity:2,chain"
            SecRule REQUEST_BODY_LENGTH "!@eq 0" "t:none"
        SecRule MULTIPART_BOUNDARY_WHITESPACE|MULTIPART_DATA_BEFORE|MULTIPART_DATA_AFTER|MULTIPART_HEADER_FOLDING|MULTIPART_LF_LINE|MULTIPART_MISSING_SEMICOLON|MULTIPART_INVALID_QUOTING|MULTIPART_INVALID_PART|MULTIPART_INVALID_HEADER_FOLDING|MULTIPART_FILE_LIMIT_EXCEEDED "!@eq 0" "id:200003,phase:2,t:none,log,deny,status:400,msg:'Multipart request body failed strict validation: %{MATCHED_VAR_NAME}',severity:2"
        SecRule MULTIPART_BOUNDARY_QUOTED "!@eq 0" "id:200012,phase:2,t:none,log,deny,status:400,msg:'Multipart boundary quoted other than as RFC 2046 allows',severity:2,chain"
            SecRule REQUEST_HEADERS:Content-Type "!@rx (?i)^multipart/form-data\s*;\s*boundary=\"[0-9a-z'()+_,./:=?-]{1,70}\"\s*$" "t:none"
        SecRule MULTIPART_UNMATCHED_BOUNDARY "@eq 1" "id:200004,phase:2,t:none,log,deny,msg:'Multipart parser detected a possible unmatched boundary.'"
        # libmodsecurity 3.0.9 (Debian 12) sets no TX:MSC_ variable and ignores SecPcreMatchLimit: this rule never fires
        # there. From 3.0.10 the engine sets TX:MSC_PCRE_LIMITS_EXCEEDED when a regex hits PCRE2's match limit (the rule
        # then counts as not matched), and this refuses the request instead of passing it.
        SecRule TX:/^MSC_/ "!@streq 0" "id:200005,phase:2,t:none,log,deny,msg:'ModSecurity internal error flagged: %{MATCHED_VAR_NAME}'"

        """);

    /// <summary>
    /// After the CRS, so that its own verdict (403 for a content type outside its policy, 920420, or a Content-Encoding,
    /// 920450) comes first: whatever the CRS policy lets through, a body the engine parsed into nothing is refused (415).
    /// That is a body without Content-Type (a backend may sniff it), or of a type no processor reads: text/plain,
    /// octet-stream, multipart/related (MTOM, batch APIs parse its parts) and the rest; and a compressed body, which the
    /// engine reads as the compressed bytes while a backend may inflate it.
    /// </summary>
    private static void BodyRefusals(StringBuilder directives) => directives.Append(
        """
        SecRule REQUEST_BODY_LENGTH "!@eq 0" "id:200009,phase:2,t:none,log,deny,status:415,msg:'Request body of a type the WAF does not parse',severity:2,chain"
            SecRule REQBODY_PROCESSOR "!@rx ^(?:URLENCODED|MULTIPART|JSON|XML)$" "t:none"
        SecRule REQUEST_BODY_LENGTH "!@eq 0" "id:200010,phase:2,t:none,log,deny,status:415,msg:'Request body with a Content-Encoding the WAF does not decode',severity:2,chain"
            SecRule &REQUEST_HEADERS:Content-Encoding "!@eq 0" "t:none"

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
