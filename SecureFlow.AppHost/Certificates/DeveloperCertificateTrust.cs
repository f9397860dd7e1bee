using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace SecureFlow.AppHost.Certificates;

/// <summary>
/// Linux: the Aspire dashboard (a .NET process, OpenSSL underneath) reaches the AppHost's resource service over HTTPS
/// with the ASP.NET Core developer certificate. <c>dotnet dev-certs https --trust</c> writes that certificate to
/// <c>~/.aspnet/dev-certs/trust</c> but changes no system store, so OpenSSL clients trust it only through
/// <c>SSL_CERT_DIR</c>. This does what <c>aspire run</c> does before it starts an AppHost: trust the certificate for this
/// user if it is not yet, and put the folder on <c>SSL_CERT_DIR</c> beside the system's certificates for this process
/// and everything it starts (DCP, the dashboard, the services), so F5 and <c>dotnet run</c> work as <c>aspire run</c> does.
/// </summary>
internal static partial class DeveloperCertificateTrust
{
    public const string SslCertDirVariable = "SSL_CERT_DIR";

    /// <summary>Where <c>dotnet dev-certs https --trust</c> writes on Linux (the tool honours this override).</summary>
    public const string TrustDirectoryVariable = "DOTNET_DEV_CERTS_OPENSSL_CERTIFICATE_DIRECTORY";

    /// <summary>The extension that marks the ASP.NET Core HTTPS development certificate.</summary>
    private const string AspNetHttpsOid = "1.3.6.1.4.1.311.84.1.1";

    private static readonly TimeSpan TrustTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan OpenSslTimeout = TimeSpan.FromSeconds(10);

    public static string TrustDirectory => Environment.GetEnvironmentVariable(TrustDirectoryVariable) is { Length: > 0 } overridden
        ? overridden
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".aspnet", "dev-certs", "trust");

    /// <summary>
    /// Makes the developer certificate trusted for the dashboard. Returns what it did, to log once the AppHost has a
    /// logger; a certificate that cannot be trusted is reported with the command that fixes it (the dashboard then
    /// shows no resources), never worked around by turning the dashboard's transport security off.
    /// </summary>
    public static Action<ILogger>? Ensure()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
        {
            return null; // Windows and macOS: `dotnet dev-certs https --trust` changes the system's trust itself.
        }

        var trustDirectory = TrustDirectory;
        var done = new List<string>();
        if (!IsTrusted(trustDirectory))
        {
            var outcome = RunDevCertsTrust();
            if (!IsTrusted(trustDirectory))
            {
                return logger => LogNotTrusted(logger, outcome);
            }

            done.Add($"trusted the ASP.NET Core developer certificate for this user ({trustDirectory})");
        }

        var current = Environment.GetEnvironmentVariable(SslCertDirVariable);
        var combined = CertificateDirectories(current, current is { Length: > 0 } ? null : SystemCertificateDirectory(), trustDirectory);
        if (combined != current)
        {
            Environment.SetEnvironmentVariable(SslCertDirVariable, combined);
            done.Add($"{SslCertDirVariable}={combined}");
        }

        if (done.Count == 0)
        {
            return null;
        }

        var report = string.Join("; ", done);
        return logger => LogTrusted(logger, report);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Developer certificate: {Done}")]
    private static partial void LogTrusted(ILogger logger, string done);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The ASP.NET Core developer certificate is not trusted ({Outcome}): the dashboard will show no " +
        "resources. Run `dotnet dev-certs https --trust`, then start the AppHost again.")]
    private static partial void LogNotTrusted(ILogger logger, string outcome);

    /// <summary>
    /// <c>SSL_CERT_DIR</c> with <paramref name="trustDirectory"/> on it: appended to the current value, or beside the
    /// system's certificate folder when there is none (an <c>SSL_CERT_DIR</c> replaces OpenSSL's default folder).
    /// </summary>
    public static string CertificateDirectories(string? current, string? systemDirectory, string trustDirectory)
    {
        if (current is { Length: > 0 })
        {
            var listed = current.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Any(path => string.Equals(Path.TrimEndingDirectorySeparator(path), Path.TrimEndingDirectorySeparator(trustDirectory), StringComparison.Ordinal));
            return listed ? current : current + Path.PathSeparator + trustDirectory;
        }

        return systemDirectory is { Length: > 0 } ? systemDirectory + Path.PathSeparator + trustDirectory : trustDirectory;
    }

    /// <summary>Whether the current developer certificate (the newest valid one in the user's store) is in the trust folder.</summary>
    public static bool IsTrusted(string trustDirectory)
    {
        using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
        store.Open(OpenFlags.ReadOnly); // A user without a store yet has no developer certificate: empty.
        var now = DateTime.Now;
        var current = store.Certificates
            .Where(certificate => certificate.Extensions[AspNetHttpsOid] is not null && certificate.NotBefore <= now && now < certificate.NotAfter)
            .MaxBy(certificate => certificate.NotAfter);
        var thumbprint = current?.Thumbprint;
        foreach (var certificate in store.Certificates)
        {
            certificate.Dispose();
        }

        if (thumbprint is null || !Directory.Exists(trustDirectory))
        {
            return false;
        }

        return Directory.EnumerateFiles(trustDirectory, "*.pem").Any(path =>
        {
            using var trusted = X509CertificateLoader.LoadCertificateFromFile(path);
            return string.Equals(trusted.Thumbprint, thumbprint, StringComparison.OrdinalIgnoreCase);
        });
    }

    private static string RunDevCertsTrust()
    {
        // DOTNET_HOST_PATH is the SDK's own dotnet when the AppHost is started by `dotnet run` or an IDE.
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var (exitCode, output) = Run(dotnet, ["dev-certs", "https", "--trust"], TrustTimeout);
        // On Linux the tool exits non-zero for "partially trusted" (no system store change): the folder decides.
        return exitCode is null ? $"`dotnet dev-certs https --trust` did not finish in {TrustTimeout.TotalSeconds} s" : $"`dotnet dev-certs https --trust` exited {exitCode}: {output}";
    }

    /// <summary>OpenSSL's default certificate folder (<c>openssl version -d</c>), where the system's roots are.</summary>
    internal static string? SystemCertificateDirectory()
    {
        var (exitCode, output) = Run("openssl", ["version", "-d"], OpenSslTimeout);
        const string Prefix = "OPENSSLDIR: \"";
        if (exitCode == 0 && output.StartsWith(Prefix, StringComparison.Ordinal) && output.IndexOf('"', Prefix.Length) is var end and > 0)
        {
            var certificates = Path.Combine(output[Prefix.Length..end], "certs");
            if (Directory.Exists(certificates))
            {
                return certificates;
            }
        }

        return Directory.Exists("/etc/ssl/certs") ? "/etc/ssl/certs" : null;
    }

    private static (int? ExitCode, string Output) Run(string fileName, string[] arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception notFound)
        {
            return (-1, $"{fileName}: {notFound.Message}");
        }

        using (process)
        {
            if (process is null)
            {
                return (-1, $"{fileName} did not start");
            }

            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return (null, string.Empty);
            }

            process.WaitForExit();
            return (process.ExitCode, (output.Result + error.Result).Trim());
        }
    }
}
