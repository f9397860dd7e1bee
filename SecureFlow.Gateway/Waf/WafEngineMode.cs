namespace SecureFlow.Gateway.Waf;

/// <summary>Application Gateway's WAF modes, and Off.</summary>
public enum WafEngineMode
{
    Off,
    Detection,
    Prevention,
}
