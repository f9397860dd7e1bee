namespace SecureFlow.AppHost.Publishing.Controls;

/// <summary>
/// One control the model sets, with both its projections: how the local chain enforces it and how the deployment
/// does, and the tests (<c>Class.Method</c>) that prove each side. A side that does not exist says why instead.
/// </summary>
internal sealed record Control(
    string Name,
    string SetBy,
    string Local,
    string Published,
    IReadOnlyList<string> LocalTests,
    IReadOnlyList<string> PublishedTests);
