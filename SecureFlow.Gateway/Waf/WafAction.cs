namespace SecureFlow.Gateway.Waf;

/// <summary>What the WAF did with a request, as logs and metrics name it.</summary>
public enum WafAction
{
    /// <summary>No rule matched.</summary>
    Passed,

    /// <summary>Rules matched but the request went on (Detection mode, or a score below the threshold).</summary>
    Detected,

    /// <summary>The engine ended the request.</summary>
    Blocked,

    /// <summary>The body was larger than the WAF inspects: refused with 413.</summary>
    BodyTooLarge,
}

public static class WafActionNames
{
    public static string ToTagValue(this WafAction action) => action switch
    {
        WafAction.Passed => "passed",
        WafAction.Detected => "detected",
        WafAction.Blocked => "blocked",
        WafAction.BodyTooLarge => "body_too_large",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };
}
