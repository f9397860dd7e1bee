namespace SecureFlow.Contracts.Waf;

/// <summary>The request part an exclusion names, as Application Gateway's WAF policy exclusions name it.</summary>
public enum WafMatchVariable
{
    RequestArgNames,
    RequestHeaderNames,
    RequestCookieNames,
}
