namespace SecureFlow.IdentityIssuer.Issuing;

/// <summary>What one run did with one identity: issued a new version (and why), or left it (valid until when).</summary>
internal sealed record IssuanceOutcome(string CertificateName, bool Issued, string Reason);
