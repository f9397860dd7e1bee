using System.Diagnostics;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using SecureFlow.AppHost.Certificates;

namespace SecureFlow.AppHost.Tests.Certificates;

/// <summary>
/// The development root vouches for TLS servers and clients under the model's names only, even for a certificate
/// signed with its own key outside the authority's checks (a leaked key): .NET's chain and openssl verify both refuse
/// what its Extended Key Usage and name constraints exclude. A root from an earlier version is replaced once.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class RootConstraintsTests : IDisposable
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(30);

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("secureflow-ca-constraints-");

    private string CaDirectory => Path.Combine(_directory.FullName, "dev-ca");

    [Fact]
    public async Task RootIsForTlsServersAndClientsAndNamesOnlyTheModelsSubtrees()
    {
        using var authority = DevelopmentCertificateAuthority.LoadOrCreate(CaDirectory);
        using var root = authority.RootCertificate;

        var usage = Assert.Single(root.Extensions.OfType<X509EnhancedKeyUsageExtension>());
        Assert.Equal(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"], usage.EnhancedKeyUsages.Cast<Oid>().Select(oid => oid.Value!).Order(StringComparer.Ordinal));
        var constraints = root.Extensions["2.5.29.30"];
        Assert.NotNull(constraints);
        Assert.True(constraints.Critical);
        var (permitted, excluded) = ReadNameConstraints(constraints.RawData);
        Assert.Empty(excluded);
        string[] expected =
        [
            "dns:localhost", "dns:secureflow.localhost", "ip:7f000000ff000000", "ip:00000000000000000000000000000001ffffffffffffffffffffffffffffffff",
            "mail:invalid", "dir:O=SecureFlow", "uri:secureflow.localhost",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), permitted.Order(StringComparer.Ordinal));

        // openssl as a third-party judge of the same extensions.
        var text = await OpenSslAsync("x509", "-noout", "-text", "-in", authority.RootCertificatePath);
        Assert.Contains("X509v3 Extended Key Usage: \n                TLS Web Server Authentication, TLS Web Client Authentication", text, StringComparison.Ordinal);
        Assert.Contains("X509v3 Name Constraints: critical", text, StringComparison.Ordinal);
        foreach (var line in new[] { "email:invalid", "DNS:secureflow.localhost", "DNS:localhost", "DirName:O = SecureFlow", "URI:secureflow.localhost", "IP:127.0.0.0/255.0.0.0", "IP:0:0:0:0:0:0:0:1/FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF" })
        {
            Assert.Contains(line, text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("Excluded", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LeafForTheTrustDomainsSpiffeIdChainsToTheRootForClientAuthentication()
    {
        using var authority = DevelopmentCertificateAuthority.LoadOrCreate(CaDirectory);
        using var leaf = Forge(names => names.AddUri(new Uri("spiffe://secureflow.localhost/ns/default/sa/workload")), eku: ClientAuthentication);

        Assert.Empty(BuildChain(authority.RootCertificate, leaf, ClientAuthentication));
        Assert.Equal(": OK", (await VerifyAsync(authority, leaf, "sslclient")).Split('\n')[0][^4..]);
    }

    public static TheoryData<string> OutsideTheConstraints => ["e-mail SAN", "e-mail in the subject", "URI outside the trust domain", "URI below the trust domain", "https URI", "another organization's subject"];

    [Theory]
    [MemberData(nameof(OutsideTheConstraints))]
    public async Task LeafOutsideTheNameConstraintsFailsValidation(string name)
    {
        using var authority = DevelopmentCertificateAuthority.LoadOrCreate(CaDirectory);
        using var leaf = name switch
        {
            "e-mail SAN" => Forge(names => { names.AddDnsName("workload.secureflow.localhost"); names.AddEmailAddress("ceo@contoso.com"); }),
            "e-mail in the subject" => Forge(names => names.AddDnsName("workload.secureflow.localhost"), WithEmail(DevelopmentCertificateAuthority.Subject("workload"), "ceo@contoso.com")),
            "URI outside the trust domain" => Forge(names => names.AddUri(new Uri("spiffe://contoso.com/ns/default/sa/workload")), eku: ClientAuthentication),
            "URI below the trust domain" => Forge(names => names.AddUri(new Uri("spiffe://evil.secureflow.localhost/ns/default/sa/workload")), eku: ClientAuthentication),
            "https URI" => Forge(names => { names.AddDnsName("workload.secureflow.localhost"); names.AddUri(new Uri("https://login.contoso.com/")); }),
            "another organization's subject" => Forge(names => names.AddDnsName("workload.secureflow.localhost"), new X500DistinguishedName("CN=admin, O=Contoso"), ClientAuthentication),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };

        Assert.Contains(X509ChainStatusFlags.HasNotPermittedNameConstraint, BuildChain(authority.RootCertificate, leaf, null));
        Assert.Contains("permitted subtree violation", await VerifyAsync(authority, leaf, null), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LeafForAnythingButTlsIsNotValidUnderTheRoot()
    {
        using var authority = DevelopmentCertificateAuthority.LoadOrCreate(CaDirectory);
        var emailProtection = new Oid("1.3.6.1.5.5.7.3.4", "Secure Email");
        using var leaf = Forge(names => names.AddDnsName("workload.secureflow.localhost"), eku: emailProtection);

        Assert.Contains(X509ChainStatusFlags.NotValidForUsage, BuildChain(authority.RootCertificate, leaf, emailProtection));
        // Depth 1 is the root: its Extended Key Usage, not the leaf's, refuses the purpose.
        Assert.Contains("error 26 at 1 depth lookup: unsuitable certificate purpose", await VerifyAsync(authority, leaf, "smimesign"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RootFromAnEarlierVersionIsReplacedOnceAndTheReplacementSaysTrustTheNewRoot()
    {
        var outdated = WriteOutdatedRoot(CaDirectory);
        var logger = new RecordingLogger();

        var thumbprints = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            using var authority = DevelopmentCertificateAuthority.LoadOrCreate(CaDirectory, logger);
            using var root = authority.RootCertificate;
            Assert.True(DevelopmentCertificateAuthority.HasCurrentConstraints(root));
            return root.Thumbprint;
        }))).WaitAsync(ToolTimeout, TestContext.Current.CancellationToken);
        using var again = DevelopmentCertificateAuthority.LoadOrCreate(CaDirectory, logger);

        var replacement = Assert.Single(thumbprints.Distinct());
        Assert.NotEqual(outdated, replacement);
        Assert.Equal(replacement, again.RootCertificate.Thumbprint);
        var message = Assert.Single(logger.Messages);
        Assert.Contains("Trust the new root", message, StringComparison.Ordinal);
        Assert.Contains(outdated, message, StringComparison.Ordinal);
        Assert.Contains(replacement, message, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(CaDirectory, DevelopmentCertificateAuthority.RootKeyFileName)));
    }

    public void Dispose() => _directory.Delete(recursive: true);

    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1", "Server Authentication");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2", "Client Authentication");

    /// <summary>A leaf signed with the root's own key, bypassing the authority's checks (what a leaked key could make).</summary>
    private X509Certificate2 Forge(Action<SubjectAlternativeNameBuilder> names, X500DistinguishedName? subject = null, Oid? eku = null)
    {
        using var rootWithKey = X509Certificate2.CreateFromPemFile(
            Path.Combine(CaDirectory, DevelopmentCertificateAuthority.RootCertificateFileName), Path.Combine(CaDirectory, DevelopmentCertificateAuthority.RootKeyFileName));
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject ?? DevelopmentCertificateAuthority.Subject("workload"), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var alternativeNames = new SubjectAlternativeNameBuilder();
        names(alternativeNames);
        request.CertificateExtensions.Add(alternativeNames.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([eku ?? ServerAuthentication], critical: false));
        using var rootKey = rootWithKey.GetECDsaPrivateKey()!;
        return request.Create(rootWithKey.SubjectName, X509SignatureGenerator.CreateForECDsa(rootKey),
            DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(8));
    }

    /// <summary><paramref name="subject"/> with an emailAddress attribute after its names (PKCS #9, what S/MIME reads).</summary>
    private static X500DistinguishedName WithEmail(X500DistinguishedName subject, string email)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            foreach (var name in subject.EnumerateRelativeDistinguishedNames())
            {
                writer.WriteEncodedValue(name.RawData.Span);
            }

            using (writer.PushSetOf())
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier("1.2.840.113549.1.9.1");
                writer.WriteCharacterString(UniversalTagNumber.IA5String, email);
            }
        }

        return new X500DistinguishedName(writer.Encode());
    }

    private static List<X509ChainStatusFlags> BuildChain(X509Certificate2 root, X509Certificate2 leaf, Oid? usage)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        if (usage is not null)
        {
            chain.ChainPolicy.ApplicationPolicy.Add(usage);
        }

        chain.Build(leaf);
        return [.. chain.ChainStatus.Select(status => status.Status)];
    }

    /// <summary><c>openssl verify</c> of <paramref name="leaf"/> against the root alone; returns what it printed.</summary>
    private async Task<string> VerifyAsync(DevelopmentCertificateAuthority authority, X509Certificate2 leaf, string? purpose)
    {
        var leafPath = Path.Combine(_directory.FullName, $"leaf-{Guid.NewGuid():N}.crt");
        await File.WriteAllTextAsync(leafPath, leaf.ExportCertificatePem(), TestContext.Current.CancellationToken);
        string[] arguments = purpose is null
            ? ["verify", "-CAfile", authority.RootCertificatePath, leafPath]
            : ["verify", "-purpose", purpose, "-CAfile", authority.RootCertificatePath, leafPath];
        return await OpenSslAsync(arguments);
    }

    private static async Task<string> OpenSslAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(ToolTimeout, TestContext.Current.CancellationToken);
        return await output.WaitAsync(ToolTimeout, TestContext.Current.CancellationToken) + await error.WaitAsync(ToolTimeout, TestContext.Current.CancellationToken);
    }

    /// <summary>The permitted and excluded subtrees, each as <c>form:value</c>.</summary>
    private static (List<string> Permitted, List<string> Excluded) ReadNameConstraints(byte[] der)
    {
        var sequence = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        var permitted = new List<string>();
        var excluded = new List<string>();
        while (sequence.HasData)
        {
            var tag = sequence.PeekTag();
            var subtrees = sequence.ReadSequence(tag);
            var target = tag.TagValue == 0 ? permitted : excluded;
            while (subtrees.HasData)
            {
                var subtree = subtrees.ReadSequence();
                var name = subtree.PeekTag();
                target.Add(name.TagValue switch
                {
                    1 => "mail:" + subtree.ReadCharacterString(UniversalTagNumber.IA5String, name),
                    2 => "dns:" + subtree.ReadCharacterString(UniversalTagNumber.IA5String, name),
                    4 => "dir:" + new X500DistinguishedName(subtree.ReadSequence(name).ReadEncodedValue().ToArray()).Name,
                    6 => "uri:" + subtree.ReadCharacterString(UniversalTagNumber.IA5String, name),
                    7 => "ip:" + Convert.ToHexStringLower(subtree.ReadOctetString(name)),
                    _ => $"tag {name.TagValue}",
                });
            }
        }

        return (permitted, excluded);
    }

    /// <summary>A root as the first versions made it: name constraints for DNS and IP only, no Extended Key Usage.</summary>
    private static string WriteOutdatedRoot(string directory)
    {
        Directory.CreateDirectory(directory);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var request = new CertificateRequest("O=SecureFlow, CN=SecureFlow Development CA (old)", key, HashAlgorithmName.SHA384);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
        {
            foreach (var name in new[] { "secureflow.localhost", "localhost" })
            {
                using (writer.PushSequence())
                {
                    writer.WriteCharacterString(UniversalTagNumber.IA5String, name, new Asn1Tag(TagClass.ContextSpecific, 2));
                }
            }

            using (writer.PushSequence())
            {
                writer.WriteOctetString([127, 0, 0, 0, 255, 0, 0, 0], new Asn1Tag(TagClass.ContextSpecific, 7));
            }
        }

        request.CertificateExtensions.Add(new X509Extension("2.5.29.30", writer.Encode(), critical: true));
        using var root = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(10));
        File.WriteAllText(Path.Combine(directory, DevelopmentCertificateAuthority.RootKeyFileName), key.ExportPkcs8PrivateKeyPem());
        File.SetUnixFileMode(Path.Combine(directory, DevelopmentCertificateAuthority.RootKeyFileName), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(Path.Combine(directory, DevelopmentCertificateAuthority.RootCertificateFileName), root.ExportCertificatePem());
        return root.Thumbprint;
    }

    private sealed class RecordingLogger : ILogger
    {
        private readonly List<string> _messages = [];

        public IReadOnlyList<string> Messages
        {
            get
            {
                lock (_messages)
                {
                    return [.. _messages];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_messages)
            {
                _messages.Add(formatter(state, exception));
            }
        }
    }
}
