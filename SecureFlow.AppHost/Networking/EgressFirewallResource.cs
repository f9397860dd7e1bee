using System.Net;
using SecureFlow.AppHost.Networking;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The local stand-in for Azure Firewall: Squid (Debian's <c>squid</c>), configured at start from the model's egress
/// allow-list. Every service's outbound HTTP and HTTPS goes through it, each service on a port of its own.
/// </summary>
public sealed class EgressFirewallResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory)
{
    /// <summary>The Debian package that provides the firewall's engine.</summary>
    public const string Package = "squid";

    private readonly List<EgressSource> _sources = [];
    private readonly Dictionary<string, IPAddress> _hostsEntries = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The generated configuration Squid runs with (in <see cref="ExecutableResource.WorkingDirectory"/>).</summary>
    public string ConfigurationPath => Path.Combine(WorkingDirectory, "squid.conf");

    /// <summary>Names the firewall resolves itself, without DNS (<c>WithHostsEntry</c>).</summary>
    public IReadOnlyDictionary<string, IPAddress> HostsEntries => _hostsEntries;

    /// <summary>Every service the firewall knows, with its port and allow-list; set when the run starts.</summary>
    internal IReadOnlyList<EgressSource> Sources => _sources;

    internal void Add(EgressSource source) => _sources.Add(source);

    internal void AddHostsEntry(string host, IPAddress address) => _hostsEntries[host] = address;
}
