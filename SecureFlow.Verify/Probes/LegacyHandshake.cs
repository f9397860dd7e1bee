namespace SecureFlow.Verify.Probes;

/// <summary>What <c>openssl s_client</c> saw of a handshake that offered one legacy protocol version only.</summary>
public sealed record LegacyHandshake(LegacyHandshakeOutcome Outcome, string Detail);
