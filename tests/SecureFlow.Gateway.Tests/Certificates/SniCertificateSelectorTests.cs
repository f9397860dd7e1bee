using System.Security.Cryptography.X509Certificates;
using SecureFlow.AppHost.Certificates;
using SecureFlow.Gateway.Certificates;
using SecureFlow.Gateway.Tests.Infrastructure;

namespace SecureFlow.Gateway.Tests.Certificates;

/// <summary>
/// The selector swaps in only certificates a listener can serve, and disposes the ones it replaced once no handshake
/// can still be using them.
/// </summary>
public sealed class SniCertificateSelectorTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("secureflow-selector-tests-");
    private readonly DevelopmentCertificateAuthority _authority;

    public SniCertificateSelectorTests() => _authority = DevelopmentCertificateAuthority.LoadOrCreate(_directory.FullName);

    [Fact]
    public void CertificateWithoutItsPrivateKeyIsRefusedAndTheCurrentOneStaysServed()
    {
        using var selector = new SniCertificateSelector(new Source(Issue()));
        var served = selector.Select(InProcessGateway.HostName)!.TargetCertificate.Thumbprint;
        using var withKey = Issue();
        var publicOnly = X509CertificateLoader.LoadCertificate(withKey.RawData);

        var refused = Assert.Throws<InvalidOperationException>(() => selector.Replace([publicOnly]));

        Assert.Contains("no private key", refused.Message, StringComparison.Ordinal);
        Assert.Equal(served, selector.Select(InProcessGateway.HostName)!.TargetCertificate.Thumbprint);
    }

    [Theory]
    [InlineData("a..secureflow.localhost")]
    [InlineData("delta.secureflow.localhost.")]
    [InlineData("*")]
    [InlineData("127.0.0.1")]
    [InlineData("[::1]")]
    [InlineData("délta.secureflow.localhost")]
    public void NameThatIsNotAHostNameSelectsNoCertificate(string serverName)
    {
        using var selector = new SniCertificateSelector(new Source(Issue()));

        Assert.Null(selector.Select(serverName));
    }

    [Fact]
    public void ReplacedCertificateIsDisposedOnlyOnceRetiredForLongerThanAHandshakeMayTake()
    {
        var first = Issue();
        using var selector = new SniCertificateSelector(new Source(first));

        selector.Replace([Issue()]);
        selector.DisposeRetired(TimeSpan.FromHours(1));
        var keptWhileRecent = first.Handle != IntPtr.Zero;
        selector.DisposeRetired(TimeSpan.Zero);

        Assert.True(keptWhileRecent);
        Assert.Equal(IntPtr.Zero, first.Handle);
        Assert.NotNull(selector.Select(InProcessGateway.HostName));
    }

    public void Dispose()
    {
        _authority.Dispose();
        _directory.Delete(recursive: true);
    }

    private X509Certificate2 Issue() => _authority.IssueServerCertificate([InProcessGateway.HostName]);

    private sealed class Source(X509Certificate2 certificate) : IServerCertificateSource
    {
        public IReadOnlyList<X509Certificate2> LoadCertificates() => [certificate];
    }
}
