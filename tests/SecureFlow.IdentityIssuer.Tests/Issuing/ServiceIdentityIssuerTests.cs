using System.Buffers.Text;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure.Security.KeyVault.Certificates;
using SecureFlow.KeyVaultEmulator.Tests.Infrastructure;
using SecureFlow.ServiceDefaults.MutualTls;

namespace SecureFlow.IdentityIssuer.Tests.Issuing;

/// <summary>
/// The issuer against the real local Key Vault over HTTPS, with the real CertificateClient and its own identity: the
/// vault makes every key, the root key signs, and what a service reads is what ServiceDefaults consumes.
/// </summary>
public sealed class ServiceIdentityIssuerTests : VaultTest
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task IssuesEveryIdentityChainedToTheVaultRootWithItsSpiffeId()
    {
        var outcomes = await IssuerHarness.RunAsync(Vault);

        Assert.All(outcomes, outcome => Assert.True(outcome.Issued, outcome.Reason));
        var rootKey = Vault.Read(contents => contents.Keys["mesh-root"][^1]);
        foreach (var (service, dns) in IssuerHarness.Services)
        {
            // What the CSI driver mounts in AKS: the certificate's PEM secret, key then leaf then root.
            var (leaf, root) = await MountedAsync(service + "-mtls");
            using (leaf)
            using (root)
            {
                Assert.Equal($"spiffe://secureflow.localhost/ns/secureflow/sa/{service}", ServiceCertificateIdentity.Of(leaf));
                Assert.Contains(dns, leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());
                Assert.True(leaf.HasPrivateKey);
                Assert.True(ChainsTo(leaf, root), $"{service}-mtls does not chain to the mounted root");
                Assert.Equal(SecureFlow.KeyVaultEmulator.Keys.VaultKeyMaterial.SubjectPublicKeyInfo(rootKey.PrivateKey), root.PublicKey.ExportSubjectPublicKeyInfo());
                var usages = leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(oid => oid.Value);
                Assert.Equal(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"], usages);
            }

            // What a service reads locally with its own identity: the certificate with its key.
            using var downloaded = (await Vault.CertificateClient(service == "ingress" ? "provisioner" : service)
                .DownloadCertificateAsync(service + "-mtls", cancellationToken: Cancel).WaitAsync(InProcessVault.Timeout, Cancel)).Value;
            Assert.True(downloaded.HasPrivateKey);
        }
    }

    [Fact]
    public async Task SecondRunWithinTheThresholdChangesNothing()
    {
        await IssuerHarness.RunAsync(Vault);
        var before = Vault.Read(contents => contents.Certificates.ToDictionary(entry => entry.Key, entry => entry.Value.Versions.Count));
        var keysBefore = Vault.Read(contents => contents.Keys["mesh-root"].Count);

        var outcomes = await IssuerHarness.RunAsync(Vault, at: DateTimeOffset.UtcNow.AddDays(59));

        Assert.All(outcomes, outcome => Assert.False(outcome.Issued, outcome.Reason));
        Assert.Equal(before, Vault.Read(contents => contents.Certificates.ToDictionary(entry => entry.Key, entry => entry.Value.Versions.Count)));
        Assert.Equal(keysBefore, Vault.Read(contents => contents.Keys["mesh-root"].Count));
        Assert.Empty(Vault.Read(contents => contents.PendingCertificates));
    }

    [Fact]
    public async Task IdentityNearExpiryIsRenewedWithANewKeyAndTheOthersAreUntouched()
    {
        var now = DateTimeOffset.UtcNow;
        await IssuerHarness.RunAsync(Vault, at: now.AddDays(-65), services: IssuerHarness.Services.Where(service => service.Service == "orders"));
        await IssuerHarness.RunAsync(Vault, at: now, services: IssuerHarness.Services.Where(service => service.Service != "orders"));
        var (oldOrders, root) = await MountedAsync("orders-mtls");
        var workloadBefore = Vault.Read(contents => contents.Certificates["workload-mtls"].Versions.Single());

        var outcomes = await IssuerHarness.RunAsync(Vault, at: now);

        Assert.Equal(["orders-mtls"], outcomes.Where(outcome => outcome.Issued).Select(outcome => outcome.CertificateName));
        Assert.Contains("fewer than 30 days left", outcomes.Single(outcome => outcome.Issued).Reason, StringComparison.Ordinal);
        Assert.Equal(2, Vault.Read(contents => contents.Certificates["orders-mtls"].Versions.Count));
        Assert.Equal(workloadBefore, Vault.Read(contents => contents.Certificates["workload-mtls"].Versions.Single()));
        Assert.Equal(1, Vault.Read(contents => contents.Certificates["ingress-mtls"].Versions.Count));
        var (newOrders, sameRoot) = await MountedAsync("orders-mtls");
        using (oldOrders)
        using (newOrders)
        using (root)
        using (sameRoot)
        {
            Assert.NotEqual(oldOrders.PublicKey.ExportSubjectPublicKeyInfo(), newOrders.PublicKey.ExportSubjectPublicKeyInfo());
            Assert.True(newOrders.NotAfter > now.AddDays(89).UtcDateTime);
            Assert.Equal(root.RawData, sameRoot.RawData);
        }
    }

    [Fact]
    public async Task IssuerWithoutTheSignGrantFailsNamingTheGrantAndWritesNothing()
    {
        // The root key exists (in Azure the deployment declares it); this identity may read it and manage certificates.
        using (var client = Vault.CreateHttpClient())
        using (var create = new HttpRequestMessage(HttpMethod.Post, "keys/mesh-root/create?api-version=7.5") { Content = new StringContent("""{"kty":"RSA","key_size":3072}""", System.Text.Encoding.UTF8, "application/json") })
        {
            create.Headers.Authorization = new("Bearer", Vault.TokenFor("provisioner"));
            using var created = await client.SendAsync(create, Cancel).WaitAsync(InProcessVault.Timeout, Cancel);
            created.EnsureSuccessStatusCode();
        }

        using var process = StartIssuerProcess("issuer-without-sign");
        var output = await process.StandardOutput.ReadToEndAsync(Cancel).WaitAsync(IssuerHarness.RunTimeout, Cancel);
        await process.WaitForExitAsync(Cancel).WaitAsync(IssuerHarness.RunTimeout, Cancel);

        Assert.Equal(1, process.ExitCode);
        Assert.Contains("may not sign with the root key 'mesh-root'", output, StringComparison.Ordinal);
        Assert.Contains("Grant it Key Vault Crypto User on the key 'mesh-root'", output, StringComparison.Ordinal);
        Assert.Empty(Vault.Read(contents => contents.Certificates));
        Assert.Empty(Vault.Read(contents => contents.PendingCertificates));
        Assert.DoesNotContain(Vault.Logs.Lines, line => line.Contains(Vault.KeyOf("issuer-without-sign"), StringComparison.Ordinal));
    }

    [Fact]
    public async Task NoVaultAnswerEverCarriedTheRootsPrivateKey()
    {
        await IssuerHarness.RunAsync(Vault);
        await IssuerHarness.RunAsync(Vault, at: DateTimeOffset.UtcNow.AddDays(70));
        var privateKey = Vault.Read(contents => contents.Keys["mesh-root"][^1].PrivateKey);
        using var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(Convert.FromBase64String(privateKey), out _);
        var parameters = rsa.ExportParameters(includePrivateParameters: true);
        string[] secrets =
        [
            privateKey[..64],
            Base64Url.EncodeToString(parameters.D!)[..64], Convert.ToBase64String(parameters.D!)[..64],
            Base64Url.EncodeToString(parameters.P!)[..64], Convert.ToBase64String(parameters.P!)[..64],
            Base64Url.EncodeToString(parameters.Q!)[..64], Convert.ToBase64String(parameters.Q!)[..64],
            rsa.ExportPkcs8PrivateKeyPem().Split('\n')[1],
        ];

        Assert.NotEmpty(Vault.Responses.Bodies);
        foreach (var body in Vault.Responses.Bodies)
        {
            Assert.DoesNotContain(secrets, secret => body.Contains(secret, StringComparison.Ordinal));
        }

        // Nor any backing secret: the root is not a certificate of the vault, only a key.
        Assert.DoesNotContain(Vault.Read(contents => contents.Secrets.Values.SelectMany(versions => versions)), version => secrets.Any(version.Value.Contains));
    }

    [Fact]
    public void SigningRefusesAKeyIdOutsideTheVaultSoTheTokenNeverLeavesIt()
    {
        var vault = Vault.ClientsFor("issuer");
        var keys = new SecureFlow.IdentityIssuer.Vault.VaultKeyClient(vault.CreatePipeline(), vault.VaultUri);
        var before = Vault.Responses.Bodies.Count;

        var refused = Assert.Throws<InvalidOperationException>(() =>
            keys.Sign(new Uri("https://vault.attacker.example/keys/mesh-root/0123456789abcdef"), "RS256", SHA256.HashData("x"u8)));

        Assert.Contains("is not in the vault", refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, Vault.Responses.Bodies.Count);
    }

    private async Task<(X509Certificate2 Leaf, X509Certificate2 Root)> MountedAsync(string name)
    {
        var pem = (await Vault.SecretClient("provisioner").GetSecretAsync(name, cancellationToken: Cancel).WaitAsync(InProcessVault.Timeout, Cancel)).Value.Value;
        var directory = Directory.CreateTempSubdirectory("secureflow-mount-");
        try
        {
            // The shape ServiceCertificateSource reads in AKS: one file with key, certificate and root.
            var path = Path.Combine(directory.FullName, "tls.pem");
            await File.WriteAllTextAsync(path, pem, Cancel);
            var leaf = X509Certificate2.CreateFromPemFile(path, path);
            var certificates = new X509Certificate2Collection();
            certificates.ImportFromPemFile(path);
            Assert.Equal(2, certificates.Count);
            return (leaf, certificates[^1]);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static bool ChainsTo(X509Certificate2 leaf, X509Certificate2 root)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf);
    }

    private Process StartIssuerProcess(string identity)
    {
        // The issuer's own build output (its deps.json names its own assemblies), built with this test project.
        var repository = new DirectoryInfo(AppContext.BaseDirectory);
        while (repository is not null && !File.Exists(Path.Combine(repository.FullName, "SecureFlow.sln")))
        {
            repository = repository.Parent;
        }

        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var issuer = Path.Combine(repository?.FullName ?? throw new InvalidOperationException("SecureFlow.sln not found above the test's folder."),
            "SecureFlow.IdentityIssuer", "bin", configuration, "net10.0", "SecureFlow.IdentityIssuer.dll");
        var start = new ProcessStartInfo("dotnet", [issuer])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        foreach (var (key, value) in IssuerHarness.Configuration(Vault, identity, IssuerHarness.Services))
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException("The issuer did not start.");
    }
}
