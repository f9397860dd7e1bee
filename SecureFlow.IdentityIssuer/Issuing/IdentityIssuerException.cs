namespace SecureFlow.IdentityIssuer.Issuing;

/// <summary>A run that cannot go on, with what to do about it; nothing after the failing step was written.</summary>
internal sealed class IdentityIssuerException(string message, Exception? inner = null) : Exception(message, inner);
