using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SecureFlow.EndToEnd.Tests.Infrastructure;

[assembly: AssemblyFixture(typeof(SecureFlow.Browser.Tests.Infrastructure.BrowserApp))]

namespace SecureFlow.Browser.Tests.Infrastructure;

/// <summary>
/// The real AppHost with its dashboard, as F5 runs it, and Debian's Chromium driven by Playwright. The browser trusts
/// exactly two roots, by their public keys: the development CA that issued every certificate of the chain, and the
/// ASP.NET Core developer certificate the dashboard serves. It never ignores certificate errors in general.
/// </summary>
public sealed class BrowserApp : IAsyncLifetime
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>The browser Debian's <c>chromium</c> package installs (eng/prerequisites.sh); Playwright downloads none.</summary>
    private const string ChromiumPath = "/usr/bin/chromium";

    private SecureFlowApp? _app;
    private IPlaywright? _playwright;

    public SecureFlowApp App => _app ?? throw new InvalidOperationException("The app has not started.");

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The dashboard's address, as the model gives it to the workload's trace links (the testing builder picks a free port).</summary>
    public Uri DashboardUrl { get; private set; } = null!;

    /// <summary>The dashboard's login link with this run's browser token, as the AppHost prints it.</summary>
    public Uri DashboardLogin { get; private set; } = null!;

    /// <summary>Where the screenshots go: the test output's <c>screenshots</c>, and <c>SECUREFLOW_SCREENSHOTS</c> (docs/images) when set.</summary>
    private static IEnumerable<string> ScreenshotFolders =>
        [Path.Combine(AppContext.BaseDirectory, "screenshots"), .. Environment.GetEnvironmentVariable("SECUREFLOW_SCREENSHOTS") is { Length: > 0 } folder ? [folder] : Array.Empty<string>()];

    /// <summary>Saves the whole page as <paramref name="name"/> in every screenshot folder.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        foreach (var folder in ScreenshotFolders)
        {
            Directory.CreateDirectory(folder);
            await page.ScreenshotAsync(new() { Path = Path.Combine(folder, name), FullPage = true }).Within();
        }
    }

    public async ValueTask InitializeAsync()
    {
        _app = await SecureFlowApp.StartAsync(dashboard: true, configuration:
        [
            // HTTPS, as F5 runs the dashboard (the testing builder's default is HTTP); the builder picks free ports.
            "ASPNETCORE_URLS=https://localhost:17201",
            "ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=https://localhost:21201",
            "ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=https://localhost:22201",
        ]);
        var configuration = _app.App.Services.GetRequiredService<IConfiguration>();
        DashboardUrl = DashboardLinkResourceExtensions.DashboardUrl(_app.App.Services.GetRequiredService<DistributedApplicationModel>())
            ?? throw new InvalidOperationException("The app runs no dashboard.");
        DashboardLogin = new Uri(DashboardUrl, $"login?t={configuration["AppHost:BrowserToken"]}");

        _playwright = await Playwright.CreateAsync().WaitAsync(Timeout);
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Timeout = (float)Timeout.TotalMilliseconds,
            Args = [$"--ignore-certificate-errors-spki-list={string.Join(',', await PinnedKeysAsync())}"],
        }).WaitAsync(Timeout);
    }

    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height } }).WaitAsync(Timeout);
        context.SetDefaultTimeout((float)Timeout.TotalMilliseconds);
        return await context.NewPageAsync().WaitAsync(Timeout);
    }

    public async ValueTask DisposeAsync()
    {
        if (_playwright is not null)
        {
            await Browser.DisposeAsync();
            _playwright.Dispose();
        }

        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>
    /// The SPKI hashes Chromium accepts: the edge's certificate, as it presents it in a handshake that .NET verified
    /// against the development CA's root (Chromium matches the chain the server sends, and the edge sends its leaf only),
    /// and the developer certificate the dashboard serves. Pinned keys, not a trusted store: any other certificate fails.
    /// </summary>
    private async Task<IEnumerable<string>> PinnedKeysAsync()
    {
        await using var edge = await TlsClients.HandshakeAsync(App.EdgePort, App.Root, SecureFlowApp.PublicHost).WaitAsync(Timeout);
        using var presented = X509CertificateLoader.LoadCertificate(edge.RemoteCertificate!.GetRawCertData());
        List<string> keys = [SpkiHash(presented)];
        foreach (var path in DeveloperCertificates())
        {
            using var certificate = X509CertificateLoader.LoadCertificateFromFile(path);
            keys.Add(SpkiHash(certificate));
        }

        return keys;
    }

    private static string SpkiHash(X509Certificate2 certificate) => Convert.ToBase64String(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));

    /// <summary>
    /// The developer certificate as <c>dotnet dev-certs https --trust</c> exports it for OpenSSL clients on Linux (the
    /// AppHost makes sure it is there before it starts the dashboard; the tool's own override of the folder is honoured).
    /// </summary>
    private static string[] DeveloperCertificates()
    {
        var trust = Environment.GetEnvironmentVariable("DOTNET_DEV_CERTS_OPENSSL_CERTIFICATE_DIRECTORY") is { Length: > 0 } overridden
            ? overridden
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".aspnet", "dev-certs", "trust");
        var certificates = Directory.Exists(trust) ? Directory.GetFiles(trust, "*.pem") : [];
        return certificates.Length > 0
            ? certificates
            : throw new InvalidOperationException($"No developer certificate in {trust}: run `dotnet dev-certs https --trust`.");
    }
}
