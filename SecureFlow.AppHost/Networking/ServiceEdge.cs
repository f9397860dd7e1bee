namespace SecureFlow.AppHost.Networking;

/// <summary>One call the model allows: <see cref="Caller"/> (a gateway's route, or <c>WithCallsTo</c>) to <see cref="Callee"/>.</summary>
internal sealed record ServiceEdge(IResource Caller, IResource Callee);
