using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SecureFlow.IdentityIssuer.Extensions;
using SecureFlow.IdentityIssuer.Issuing;
using SecureFlow.KeyVaultEmulator.Tests.Infrastructure;

namespace SecureFlow.IdentityIssuer.Tests.Issuing;

/// <summary>The issuer composed as its Program.cs does, with its own identity against the running vault, at a chosen time.</summary>
internal static class IssuerHarness
{
    /// <summary>The model's three identities, as WithMutualTls declares them.</summary>
    public static readonly (string Service, string Dns)[] Services =
    [
        ("ingress", "ingress.secureflow.svc.cluster.local"),
        ("workload", "workload.secureflow.svc.cluster.local"),
        ("orders", "orders.secureflow.svc.cluster.local"),
    ];

    /// <summary>A bound on a whole run (several key pairs made, a dozen vault calls), not a timing: it only stops a hang.</summary>
    public static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(3);

    public static Dictionary<string, string?> Configuration(InProcessVault vault, string identity, IEnumerable<(string Service, string Dns)> services)
    {
        var rootPath = Path.Combine(vault.DataDirectory, "..", "vault-root.crt");
        File.WriteAllText(rootPath, vault.Root.ExportCertificatePem());
        var configuration = new Dictionary<string, string?>
        {
            ["Identity:Name"] = identity,
            ["Identity:LocalKey"] = vault.KeyOf(identity),
            ["KeyVault:Uri"] = vault.VaultUri.AbsoluteUri,
            ["KeyVault:TrustedRootPath"] = rootPath,
            ["IdentityIssuer:RootKeyName"] = "mesh-root",
        };
        var i = 0;
        foreach (var (service, dns) in services)
        {
            configuration[$"IdentityIssuer:Identities:{i}:CertificateName"] = service + "-mtls";
            configuration[$"IdentityIssuer:Identities:{i}:SpiffeId"] = $"spiffe://secureflow.localhost/ns/secureflow/sa/{service}";
            configuration[$"IdentityIssuer:Identities:{i}:DnsNames:0"] = dns;
            i++;
        }

        return configuration;
    }

    public static async Task<IReadOnlyList<IssuanceOutcome>> RunAsync(InProcessVault vault, string identity = "issuer", DateTimeOffset? at = null, IEnumerable<(string, string)>? services = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(Configuration(vault, identity, services ?? Services));
        builder.Logging.ClearProviders();
        builder.AddIdentityIssuer();
        builder.Services.AddSingleton<TimeProvider>(new FixedTime(at ?? DateTimeOffset.UtcNow));
        using var host = builder.Build();
        return await host.Services.GetRequiredService<ServiceIdentityIssuer>().RunAsync(TestContext.Current.CancellationToken).WaitAsync(RunTimeout);
    }

    public static string Format(DateTimeOffset value) => value.ToString("O", CultureInfo.InvariantCulture);

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
