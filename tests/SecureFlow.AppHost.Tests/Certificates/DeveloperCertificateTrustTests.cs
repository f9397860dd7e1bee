using System.Diagnostics;
using SecureFlow.AppHost.Certificates;

namespace SecureFlow.AppHost.Tests.Certificates;

/// <summary>Linux: the dashboard trusts the ASP.NET Core developer certificate through SSL_CERT_DIR, beside the system's roots.</summary>
public sealed class DeveloperCertificateTrustTests
{
    [Fact]
    public void TheTrustFolderGoesBesideTheSystemsCertificatesWhenNoFolderIsSet()
    {
        Assert.Equal("/usr/lib/ssl/certs:/home/u/.aspnet/dev-certs/trust", DeveloperCertificateTrust.CertificateDirectories(null, "/usr/lib/ssl/certs", "/home/u/.aspnet/dev-certs/trust"));
    }

    [Fact]
    public void AFolderTheUserSetIsKeptAndTheTrustFolderAppendedOnce()
    {
        Assert.Equal("/opt/roots:/home/u/.aspnet/dev-certs/trust", DeveloperCertificateTrust.CertificateDirectories("/opt/roots", "/usr/lib/ssl/certs", "/home/u/.aspnet/dev-certs/trust"));
        Assert.Equal("/opt/roots:/home/u/.aspnet/dev-certs/trust/", DeveloperCertificateTrust.CertificateDirectories("/opt/roots:/home/u/.aspnet/dev-certs/trust/", null, "/home/u/.aspnet/dev-certs/trust"));
    }

    [Fact]
    public void TheSystemsCertificatesAreWhereOpenSslSays()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "SSL_CERT_DIR is how OpenSSL clients on Linux find roots.");
        using var openssl = Process.Start(new ProcessStartInfo("openssl", ["version", "-d"]) { RedirectStandardOutput = true })!;
        var line = openssl.StandardOutput.ReadToEnd().Trim();
        Assert.True(openssl.WaitForExit(TimeSpan.FromSeconds(10)));

        Assert.Equal(Path.Combine(line.Split('"')[1], "certs"), DeveloperCertificateTrust.SystemCertificateDirectory());
    }
}
