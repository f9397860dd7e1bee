using System.Text.Json.Serialization;

namespace SecureFlow.Verify.Expectations;

/// <summary>The edge's WAF as a client sees it.</summary>
/// <param name="Mode">The model's mode: <c>Prevention</c> blocks, <c>Detection</c> and <c>Off</c> let every request through.</param>
/// <param name="RuleSet">What it runs (for the report): the OWASP CRS version and paranoia level.</param>
/// <param name="BlockStatus">The status a blocked request gets.</param>
public sealed record WafExpectations(string Mode, string RuleSet, int BlockStatus)
{
    [JsonIgnore]
    public bool Blocks => Mode == "Prevention";
}
