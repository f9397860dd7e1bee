namespace SecureFlow.Verify.Probes;

/// <summary>How a legacy-version handshake ended.</summary>
public enum LegacyHandshakeOutcome
{
    /// <summary>The server completed the handshake with the offered version.</summary>
    Accepted,

    /// <summary>The server refused it (an alert, or it closed the connection during the handshake).</summary>
    Refused,

    /// <summary>No handshake was attempted or its end is unknown: the client could not offer the version, or did not run.</summary>
    NotProbed,
}
