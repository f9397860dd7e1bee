using System.Security.Cryptography.X509Certificates;
using SecureFlow.Gateway.Tests.Infrastructure;

namespace SecureFlow.Gateway.Tests.Certificates;

/// <summary>
/// File certificates (the AKS CSI mount) are read again at the refresh interval: a rotated file reaches new handshakes
/// without a restart, an unreadable one leaves the cached certificate served.
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

    private static async Task<string> ServedThumbprintAsync(InProcessGateway gateway)
    {
        await using var stream = await gateway.HandshakeAsync(InProcessGateway.HostName);
        return X509CertificateLoader.LoadCertificate(stream.RemoteCertificate!.GetRawCertData()).Thumbprint;
    }
}
