namespace SecureFlow.Gateway.Tls;

/// <summary>Why a gateway refused a TLS handshake; the <c>reason</c> tag of the refused-handshakes metric.</summary>
public enum HandshakeRefusal
{
    /// <summary>The client offered no protocol version the policy allows (for example TLS 1.1 only).</summary>
    Protocol,

    /// <summary>The client offered no cipher suite the policy allows for the version it would negotiate.</summary>
    Cipher,

    /// <summary>The ClientHello carried no SNI name.</summary>
    MissingSni,

    /// <summary>The SNI name is not covered by any certificate of this gateway.</summary>
    UnknownSni,

    /// <summary>The first bytes were not a TLS ClientHello.</summary>
    Malformed,

    /// <summary>The client stopped (or went silent) before its ClientHello was complete.</summary>
    Incomplete,

    /// <summary>The ClientHello was acceptable but the handshake failed later (for example the client refused our certificate).</summary>
    Other,
}

public static class HandshakeRefusalNames
{
    /// <summary>The metric tag value: <c>protocol</c>, <c>cipher</c>, <c>missing_sni</c>, ...</summary>
    public static string ToTagValue(this HandshakeRefusal refusal) => refusal switch
    {
        HandshakeRefusal.Protocol => "protocol",
        HandshakeRefusal.Cipher => "cipher",
        HandshakeRefusal.MissingSni => "missing_sni",
        HandshakeRefusal.UnknownSni => "unknown_sni",
        HandshakeRefusal.Malformed => "malformed",
        HandshakeRefusal.Incomplete => "incomplete",
        _ => "other",
    };
}
