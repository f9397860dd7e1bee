namespace SecureFlow.AppHost.Networking;

/// <summary>One decision of the egress firewall: who, where to, and whether it was denied; with its console line.</summary>
internal sealed record EgressDecision(string Service, string Host, int Port, bool Denied, string Message);
