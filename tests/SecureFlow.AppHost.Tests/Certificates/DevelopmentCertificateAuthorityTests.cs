using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SecureFlow.AppHost.Certificates;

namespace SecureFlow.AppHost.Tests.Certificates;

public sealed class DevelopmentCertificateAuthorityTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("secureflow-ca-tests-");

    private string CaDirectory => Path.Combine(_directory.FullName, "dev-ca");

    [Fact]
    public void RootIsCreatedOnceAndKeptAcrossRuns()
    {
        string first;
        using (var authority = DevelopmentCertificateAuthority.LoadOrCreate(CaDirectory))
        {
            first = authority.RootCertificate.Thumbprint;
        }

        using var again = DevelopmentCertificateAuthority.LoadOrCreate(CaDirectory);

        Assert.Equal(first, again.RootCertificate.Thumbprint);
    }

    [Fact]
    public async Task AppHostsStartingTogetherShareOneRoot()
    {
        var thumbprints = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            using var authority = DevelopmentCertificateAuthority.LoadOrCreate(CaDirectory);
            return authority.RootCertificate.Thumbprint;
        }))).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.Single(thumbprints.Distinct());
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void RootKeyIsReadableByItsUserOnly()
    {
        using var authority = DevelopmentCertificateAuthority.LoadOrCreate(CaDirectory);

        var mode = File.GetUnixFileMode(Path.Combine(CaDirectory, DevelopmentCertificateAuthority.RootKeyFileName));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
    }

    [Fact]
    public void IssuedCertificateChainsToTheRootAndCoversItsNames()
    {
        using var authority = DevelopmentCertificateAuthority.LoadOrCreate(CaDirectory);

        using var leaf = authority.IssueServerCertificate(["*.aks-ingress.secureflow.localhost"]);

        Assert.True(leaf.HasPrivateKey);
        Assert.True(leaf.MatchesHostname("workload.aks-ingress.secureflow.localhost"));
        Assert.False(leaf.MatchesHostname("a.b.aks-ingress.secureflow.localhost"));
        Assert.True(leaf.NotAfter - leaf.NotBefore <= TimeSpan.FromDays(8), "Leaves are short-lived.");
        Assert.Empty(BuildChain(authority.RootCertificate, leaf));
    }

    [Fact]
    public void AuthorityRefusesToIssueOutsideItsNames()
    {
        using var authority = DevelopmentCertificateAuthority.LoadOrCreate(CaDirectory);

        var refusal = Assert.Throws<ArgumentException>(() => authority.IssueServerCertificate(["www.example.com"]));

        Assert.Contains("www.example.com", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NameConstraintsStopTheRootFromVouchingForAnyOtherName()
    {
        using var authority = DevelopmentCertificateAuthority.LoadOrCreate(CaDirectory);
        using var rootWithKey = X509Certificate2.CreateFromPemFile(
            authority.RootCertificatePath, Path.Combine(CaDirectory, DevelopmentCertificateAuthority.RootKeyFileName));

        // Signed with the root's own key, bypassing the authority's checks: the constraint in the root must still hold.
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=www.example.com", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("www.example.com");
        request.CertificateExtensions.Add(names.Build());
        using var rootKey = rootWithKey.GetECDsaPrivateKey()!;
        using var forged = request.Create(rootWithKey.SubjectName, X509SignatureGenerator.CreateForECDsa(rootKey),
            DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1), [1, 2, 3, 4]);

        var errors = BuildChain(authority.RootCertificate, forged);

        Assert.Contains(X509ChainStatusFlags.HasNotPermittedNameConstraint, errors);
    }

    [Fact]
    public void UnreadableRootSaysHowToRecover()
    {
        using (DevelopmentCertificateAuthority.LoadOrCreate(CaDirectory))
        {
        }

        File.WriteAllText(Path.Combine(CaDirectory, DevelopmentCertificateAuthority.RootKeyFileName), "not a key");

        var failure = Assert.Throws<InvalidOperationException>(() => DevelopmentCertificateAuthority.LoadOrCreate(CaDirectory));

        Assert.Contains("Delete the folder", failure.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Delete(recursive: true);

    private static List<X509ChainStatusFlags> BuildChain(X509Certificate2 root, X509Certificate2 leaf)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.Build(leaf);
        return [.. chain.ChainStatus.Select(status => status.Status)];
    }
}
