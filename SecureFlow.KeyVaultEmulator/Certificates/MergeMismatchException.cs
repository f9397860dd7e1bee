namespace SecureFlow.KeyVaultEmulator.Certificates;

/// <summary>A merge whose signed certificate is not for the pending certificate's key.</summary>
public sealed class MergeMismatchException() : Exception("Public key from x5c does not match the public key of the pending certificate.");
