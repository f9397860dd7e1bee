using SecureFlow.Contracts;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The edge's web application firewall, set once in the model: run mode hands it to the gateway
/// (<see cref="WafOptions"/>, ModSecurity directives over the OWASP CRS 3.3), publish mode turns the same values into the
/// Application Gateway WAF policy. The defaults are Azure's: paranoia level 1, anomaly threshold 5, bodies inspected up
/// to 128 KB; file uploads up to 10 MB, as the AKS baseline sets.
/// </summary>
/// <param name="Mode">Prevention blocks, Detection only logs, Off does not inspect.</param>
public sealed record WafPolicy(WafMode Mode)
{
    /// <summary>The CRS paranoia level, 1 to 4: higher catches more and blocks more legitimate requests.</summary>
    public int ParanoiaLevel { get; init; } = 1;

    /// <summary>The inbound anomaly score that blocks a request; 5 is one critical rule match.</summary>
    public int AnomalyThreshold { get; init; } = 5;

    /// <summary>
    /// The largest body inspected, files of a <c>multipart/form-data</c> upload not counted; a larger one is refused
    /// (413) rather than forwarded uninspected.
    /// </summary>
    public int RequestBodyLimitInKb { get; init; } = 128;

    /// <summary>
    /// The largest file upload (the files of a <c>multipart/form-data</c> body), inspected like any body: locally spooled
    /// to disk past <see cref="RequestBodyLimitInKb"/>. 10 MB, the AKS baseline's value.
    /// </summary>
    public int FileUploadLimitInMb { get; init; } = 10;

    /// <summary>Rules that never run (a rule's false positives outweigh what it catches for this app).</summary>
    public IReadOnlyList<int> DisabledRuleIds { get; init; } = [];

    public IReadOnlyList<WafExclusion> Exclusions { get; init; } = [];

    /// <summary>The policy as the gateway binds it, refused with the gateway's own validator's message if it would refuse it.</summary>
    public WafOptions ToOptions() => WafOptionsValidator.Instance.ThrowIfInvalid(new WafOptions
    {
        Mode = Mode,
        ParanoiaLevel = ParanoiaLevel,
        AnomalyThreshold = AnomalyThreshold,
        RequestBodyLimitInKb = RequestBodyLimitInKb,
        FileUploadLimitInMb = FileUploadLimitInMb,
        DisabledRuleIds = [.. DisabledRuleIds],
        Exclusions = [.. Exclusions.Select(exclusion => new WafExclusionOptions
        {
            MatchVariable = exclusion.MatchVariable,
            SelectorMatchOperator = exclusion.SelectorMatchOperator,
            Selector = exclusion.Selector,
            RuleIds = [.. exclusion.RuleIds],
        })],
    });
}
