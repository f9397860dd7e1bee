namespace SecureFlow.Contracts;

/// <summary>
/// A configuration section the app model writes and a service binds: the type is the contract, so renaming a property
/// renames its key on both sides.
/// </summary>
public interface IServiceOptions
{
    /// <summary>The configuration section the options bind from (an environment variable prefix <c>Section__</c>).</summary>
    static abstract string SectionName { get; }
}
