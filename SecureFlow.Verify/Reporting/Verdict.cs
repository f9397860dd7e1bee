namespace SecureFlow.Verify.Reporting;

/// <summary>How a control fared. Only <see cref="Pass"/> and <see cref="Warn"/> hold.</summary>
public enum Verdict
{
    /// <summary>The control holds as the model says.</summary>
    Pass,

    /// <summary>The control holds, but needs attention soon (a certificate that expires within 30 days).</summary>
    Warn,

    /// <summary>The control does not hold.</summary>
    Fail,

    /// <summary>The probe could not be made (no client could offer what it needs): not evidence that the control holds.</summary>
    NotProbed,
}
