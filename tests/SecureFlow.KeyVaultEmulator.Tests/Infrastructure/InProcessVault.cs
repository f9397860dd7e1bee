using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Azure.Security.KeyVault.Certificates;
using Azure.Security.KeyVault.Secrets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SecureFlow.AppHost.Certificates;
using SecureFlow.KeyVaultEmulator.Storage;
using SecureFlow.ServiceDefaults.Identity;
using SecureFlow.ServiceDefaults.KeyVault;
using SecureFlow.ServiceDefaults.Tls;

namespace SecureFlow.KeyVaultEmulator.Tests.Infrastructure;

/// <summary>
/// SecureFlow.KeyVaultEmulator composed as its Program.cs does, on a real Kestrel HTTPS listener in this process, with a
/// TLS certificate from a development CA made for the test. The identities and their roles mirror the app model's.
/// </summary>
public sealed class InProcessVault : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Who may do what: the role assignments the tests hold the vault to.</summary>
    public static readonly (string Identity, KeyVaultRole Role, string? ObjectName)[] RoleAssignments =
    [
        ("provisioner", KeyVaultRole.Administrator, null),
        ("edge", KeyVaultRole.CertificateUser, "edge-tls"),
        ("edge", KeyVaultRole.SecretsUser, "ingress-trust-root"),
        ("ingress", KeyVaultRole.CertificateUser, "ingress-tls"),
        ("workload", KeyVaultRole.SecretsUser, "workload-secret"),
        ("auditor", KeyVaultRole.Reader, null),
        ("signer", KeyVaultRole.CryptoUser, "signing-key"),
        ("keymaker", KeyVaultRole.CryptoOfficer, null),
        ("certificates-officer", KeyVaultRole.CertificatesOfficer, null),

        // The service identity issuer: the root key and the mutual TLS certificates, nothing else; and one without sign.
        ("issuer", KeyVaultRole.CryptoOfficer, "mesh-root"),
        ("issuer", KeyVaultRole.CertificatesOfficer, null),
        ("issuer-without-sign", KeyVaultRole.Reader, null),
        ("issuer-without-sign", KeyVaultRole.CertificatesOfficer, null),
        ("orders", KeyVaultRole.CertificateUser, "orders-mtls"),
        ("workload", KeyVaultRole.CertificateUser, "workload-mtls"),
    ];

    private readonly DirectoryInfo _directory;
    private readonly Dictionary<string, string> _keys;
    private WebApplication? _app;

    private InProcessVault(DirectoryInfo directory, DevelopmentCertificateAuthority authority)
    {
        _directory = directory;
        Authority = authority;
        _keys = RoleAssignments.Select(assignment => assignment.Identity).Distinct().ToDictionary(identity => identity, _ => LocalIdentityToken.GenerateKey());
        _keys["stranger"] = LocalIdentityToken.GenerateKey();
        Port = FreePort();
    }

    public DevelopmentCertificateAuthority Authority { get; }

    public X509Certificate2 Root => Authority.RootCertificate;

    public int Port { get; }

    public Uri VaultUri => new($"https://localhost:{Port}/");

    public string DataDirectory => Path.Combine(_directory.FullName, "data");

    /// <summary>Everything the vault logged, to check that no secret or key ever reaches a log.</summary>
    public CapturedLogs Logs { get; } = new();

    /// <summary>Every response body the vault sent, to check that no API ever returned what it must keep.</summary>
    public RecordedResponses Responses { get; } = new();

    /// <summary>What the vault holds, as the vault itself reads it (the keys no API returns).</summary>
    public T Read<T>(Func<VaultContents, T> read) =>
        (_app ?? throw new InvalidOperationException("The vault has not started.")).Services.GetRequiredService<VaultStore>().Read(read);

    public static async Task<InProcessVault> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("secureflow-vault-tests-");
        var vault = new InProcessVault(directory, DevelopmentCertificateAuthority.LoadOrCreate(Path.Combine(directory.FullName, "ca")));
        await vault.StartAppAsync();
        return vault;
    }

    /// <summary>Stops the vault and starts it again on the same port and data directory.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAppAsync();
    }

    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().WaitAsync(Timeout);
            await _app.DisposeAsync();
            _app = null;
        }
    }

    /// <summary>The SDK's clients for <paramref name="identity"/>, as a service of the app creates them.</summary>
    public KeyVaultClientFactory ClientsFor(string identity) =>
        new(VaultUri, new LocalServiceCredential(identity, _keys[identity]), Root);

    public SecretClient SecretClient(string identity) => ClientsFor(identity).CreateSecretClient();

    public CertificateClient CertificateClient(string identity) => ClientsFor(identity).CreateCertificateClient();

    /// <summary>A token as <paramref name="identity"/> would present it, for raw HTTP requests.</summary>
    public string TokenFor(string identity, string? signingKeyOf = null) =>
        LocalIdentityToken.Create(identity, _keys[signingKeyOf ?? identity], "https://vault.azure.net", DateTimeOffset.UtcNow.AddMinutes(5));

    /// <summary>The signing key of <paramref name="identity"/>, to forge tokens the SDK would never send.</summary>
    public string KeyOf(string identity) => _keys[identity];

    /// <summary>A plain HttpClient that trusts only the test's CA, for requests the SDK would never send.</summary>
    public HttpClient CreateHttpClient()
    {
        return new HttpClient(new SocketsHttpHandler { SslOptions = { CertificateChainPolicy = TrustedRootPolicy.TrustingOnly(Root) } }) { BaseAddress = VaultUri, Timeout = Timeout };
    }

    /// <summary>A certificate with its key from the test's CA, as the AppHost issues them.</summary>
    public X509Certificate2 IssueCertificate(params string[] dnsNames) => Authority.IssueServerCertificate(dnsNames);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Authority.Dispose();
        _directory.Delete(recursive: true);
    }

    private async Task StartAppAsync()
    {
        var certificatePath = Path.Combine(_directory.FullName, "vault.crt");
        var keyPath = Path.Combine(_directory.FullName, "vault.key");
        if (!File.Exists(certificatePath))
        {
            using var certificate = Authority.IssueServerCertificate(["localhost"]);
            DevelopmentCertificateAuthority.WritePemFiles(certificate, certificatePath, keyPath);
        }

        var configuration = new Dictionary<string, string?>
        {
            ["KeyVault:Https:Port"] = Port.ToString(CultureInfo.InvariantCulture),
            ["KeyVault:Https:CertificatePath"] = certificatePath,
            ["KeyVault:Https:KeyPath"] = keyPath,
            ["KeyVault:DataDirectory"] = DataDirectory,
        };
        foreach (var (identity, key) in _keys)
        {
            configuration[$"KeyVault:Identities:{identity}:Key"] = key;
        }

        for (var i = 0; i < RoleAssignments.Length; i++)
        {
            var (identity, role, objectName) = RoleAssignments[i];
            configuration[$"KeyVault:RoleAssignments:{i}:Identity"] = identity;
            configuration[$"KeyVault:RoleAssignments:{i}:Role"] = role.ToString();
            configuration[$"KeyVault:RoleAssignments:{i}:ObjectName"] = objectName;
        }

        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(Logs);
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.AddServiceDefaults();
        builder.AddKeyVaultEmulator();
        _app = builder.Build();
        _app.MapDefaultEndpoints();
        _app.Use(Responses.RecordAsync);
        _app.MapKeyVaultEmulator();
        await _app.StartAsync().WaitAsync(Timeout);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
