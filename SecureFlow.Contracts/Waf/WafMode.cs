namespace SecureFlow.Contracts.Waf;

/// <summary>Application Gateway's WAF modes (<c>Prevention</c>, <c>Detection</c>) and Off.</summary>
public enum WafMode
{
    /// <summary>No inspection: the only mode in which a request is forwarded uninspected.</summary>
    Off,

    /// <summary>Requests are inspected and detections logged, never blocked: for tuning exclusions.</summary>
    Detection,

    /// <summary>Requests whose anomaly score reaches the threshold are blocked with 403.</summary>
    Prevention,
}
