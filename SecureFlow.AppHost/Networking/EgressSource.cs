using SecureFlow.Contracts.Egress;

namespace SecureFlow.AppHost.Networking;

/// <summary>
/// One source of the egress firewall: a service, the loopback port only it is given as its proxy (the connection's
/// port is its identity, as Azure Firewall knows a source by its address, not by anything the request says), and the
/// destinations the model allows it.
/// </summary>
internal sealed record EgressSource(string Service, int Port, IReadOnlyList<EgressDestination> Destinations)
{
    /// <summary>The rule collection's name, as the published firewall policy names it.</summary>
    public string RuleCollection => $"{Service}-egress";

    /// <summary>The destination that allows <paramref name="host"/>:<paramref name="port"/>, or null when none does.</summary>
    public EgressDestination? Allowing(string host, int port) => Destinations.FirstOrDefault(destination => destination.Matches(host, port));
}
