using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using SecureFlow.AppHost.Certificates;
using SecureFlow.Gateway.Tests.Infrastructure;

namespace SecureFlow.Gateway.Tests.Certificates;

/// <summary>
/// File certificates (the AKS CSI mount) are read again at the refresh interval: a rotated file reaches new handshakes
/// without a restart; an unreadable one, or one that cannot serve the listener (other names, expired, not yet valid),
/// leaves the cached certificate served.
/// </summary>
public sealed class CertificateReloadTests
{
    private static readonly Func<InProcessGateway, Dictionary<string, string?>> FastRefresh = _ => new() { ["Gateway:CertificateRefreshInterval"] = "00:00:00.200" };

    [Fact]
    public async Task RewrittenCertificateFilesAreServedToNewHandshakesWithoutARestart()
    {
        await using var gateway = await InProcessGateway.StartAsync(FastRefresh);
        var before = await ServedThumbprintAsync(gateway);

        gateway.WriteCertificate("edge-tls", [InProcessGateway.HostName]);
        using var rotated = X509CertificateLoader.LoadCertificateFromFile(gateway.CertificatePath("edge-tls"));
        await InProcessGateway.EventuallyAsync(() => gateway.Total("secureflow.gateway.certificate.reloads") >= 1, "a certificate reload");

        Assert.NotEqual(before, rotated.Thumbprint);
        Assert.Equal(rotated.Thumbprint, await ServedThumbprintAsync(gateway));
    }

    [Fact]
    public async Task UnreadableCertificateFilesLeaveTheCachedCertificateServed()
    {
        await using var gateway = await InProcessGateway.StartAsync(FastRefresh);
        var before = await ServedThumbprintAsync(gateway);

        File.Delete(gateway.CertificatePath("edge-tls"));
        await InProcessGateway.EventuallyAsync(() => gateway.Total("secureflow.gateway.certificate.refresh_failures") >= 2, "failed refreshes");

        Assert.Equal(before, await ServedThumbprintAsync(gateway));
        Assert.Equal(0, gateway.Total("secureflow.gateway.certificate.reloads"));
    }

    [Fact]
    public async Task RefreshedCertificateForOtherNamesIsNotServedAndCountsAsARefreshFailure()
    {
        await using var gateway = await InProcessGateway.StartAsync(FastRefresh);
        var before = await ServedThumbprintAsync(gateway);

        gateway.WriteCertificate("edge-tls", ["other.secureflow.localhost"]);
        await WaitForRefusalAsync(gateway, $"do not cover {InProcessGateway.HostName}");

        Assert.Equal(before, await ServedThumbprintAsync(gateway));
    }

    [Theory]
    [InlineData(-4, -1)]
    [InlineData(24 * 60, 48 * 60)]
    public async Task RefreshedCertificateOutsideItsValidityPeriodIsNotServed(int notBeforeInMinutes, int notAfterInMinutes)
    {
        await using var gateway = await InProcessGateway.StartAsync(FastRefresh);
        var before = await ServedThumbprintAsync(gateway);

        var now = DateTimeOffset.UtcNow;
        WriteCertificate(gateway, now.AddMinutes(notBeforeInMinutes), now.AddMinutes(notAfterInMinutes));
        await WaitForRefusalAsync(gateway, "is not valid now");

        Assert.Equal(before, await ServedThumbprintAsync(gateway));
    }

    /// <summary>
    /// Waits for the refresh that read the new files (a reload, or a refusal logged with <paramref name="reason"/>),
    /// then checks that it was refused and counted.
    /// </summary>
    private static async Task WaitForRefusalAsync(InProcessGateway gateway, string reason)
    {
        bool Refused() => gateway.Logs.Entries.Any(entry => entry.Level == LogLevel.Warning && entry.Message.Contains(reason, StringComparison.Ordinal));
        await InProcessGateway.EventuallyAsync(
            () => Refused() || gateway.Total("secureflow.gateway.certificate.reloads") > 0, "a refresh that read the new certificate files");

        Assert.Equal(0, gateway.Total("secureflow.gateway.certificate.reloads"));
        Assert.True(Refused(), $"No warning saying the certificate {reason}.");
        Assert.True(gateway.Total("secureflow.gateway.certificate.refresh_failures") >= 1);
    }

    /// <summary>Writes the edge's certificate files with a certificate from the test's CA valid only from <paramref name="notBefore"/> to <paramref name="notAfter"/>.</summary>
    private static void WriteCertificate(InProcessGateway gateway, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var issuer = X509Certificate2.CreateFromPemFile(
            gateway.Authority.RootCertificatePath, Path.Combine(gateway.Authority.Directory, DevelopmentCertificateAuthority.RootKeyFileName));
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={InProcessGateway.HostName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(InProcessGateway.HostName);
        request.CertificateExtensions.Add(san.Build());
        using var issuerKey = issuer.GetECDsaPrivateKey()!;
        using var issued = request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey), notBefore, notAfter, RandomNumberGenerator.GetBytes(16));
        using var certificate = issued.CopyWithPrivateKey(key);
        DevelopmentCertificateAuthority.WritePemFiles(
            certificate, gateway.CertificatePath("edge-tls"), Path.ChangeExtension(gateway.CertificatePath("edge-tls"), ".key"));
    }

    private static async Task<string> ServedThumbprintAsync(InProcessGateway gateway)
    {
        await using var stream = await gateway.HandshakeAsync(InProcessGateway.HostName);
        return X509CertificateLoader.LoadCertificate(stream.RemoteCertificate!.GetRawCertData()).Thumbprint;
    }
}
