namespace SecureFlow.Verify.Reporting;

/// <summary>One probed control: what the model expects, what the target did and, when it does not hold, why and how to fix it.</summary>
/// <param name="Id">A stable id, e.g. <c>tls.protocol.tls11</c> or <c>waf.sqli.query</c>.</param>
/// <param name="Control">The control, for people.</param>
/// <param name="Expected">What the model says a client must see.</param>
/// <param name="Observed">What the target did.</param>
/// <param name="Verdict">Whether it holds.</param>
/// <param name="Explanation">For a control that does not hold: one line saying what that means.</param>
/// <param name="Fix">For a control that does not hold: where to fix it, in Azure terms.</param>
public sealed record ControlResult(string Id, string Control, string Expected, string Observed, Verdict Verdict, string? Explanation = null, string? Fix = null)
{
    public bool Holds => Verdict is Verdict.Pass or Verdict.Warn;

    public static ControlResult Judge(string id, string control, string expected, string observed, bool holds, string explanation, string fix) =>
        holds ? new(id, control, expected, observed, Verdict.Pass) : new(id, control, expected, observed, Verdict.Fail, explanation, fix);
}
