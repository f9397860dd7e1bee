namespace SecureFlow.Verify;

/// <summary>Which projection of the model is probed: the local chain or the Azure deployment.</summary>
public enum VerifyProfile
{
    Local,
    Azure,
}
