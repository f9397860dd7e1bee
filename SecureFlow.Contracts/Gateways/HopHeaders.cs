namespace SecureFlow.Contracts.Gateways;

/// <summary>The request headers every SecureFlow gateway sets on what it forwards.</summary>
public static class HopHeaders
{
    /// <summary>The hop record: one value per TLS-terminating hop, in order.</summary>
    public const string HopRecord = "SecureFlow-Hop";

    /// <summary>
    /// The X-Forwarded-* headers YARP appends and the hop record. A gateway must drop each of them when it arrives from
    /// anyone but its trusted upstream, or it would append its own value to a client's forgery.
    /// </summary>
    public static IReadOnlyList<string> SetByGateway { get; } =
        ["X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Prefix", HopRecord];
}
