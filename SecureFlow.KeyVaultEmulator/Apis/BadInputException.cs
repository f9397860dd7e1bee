namespace SecureFlow.KeyVaultEmulator.Apis;

/// <summary>A request the vault refuses with 400 BadParameter, before anything is stored.</summary>
public sealed class BadInputException(string message) : Exception(message);
