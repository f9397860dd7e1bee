using System.Diagnostics;
using System.Runtime.Versioning;
using System.Security.Cryptography.X509Certificates;
using static SecureFlow.Publishing.Tests.Infrastructure.CompiledBicep;

namespace SecureFlow.Publishing.Tests.Bicep;

/// <summary>
/// The vault provisioning script, run as the deployment script service runs it (its content from the compiled ARM
/// JSON), with POSIX sh and a fake <c>az</c> that keeps the vault's state in a folder: it issues every service identity
/// from one root that it never stores, each with its SPIFFE id, and a second run with current identities changes nothing.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class VaultProvisioningScriptTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("secureflow-vault-script-");

    private string Vault => Path.Combine(_root.FullName, "vault");

    private string Temp => Path.Combine(_root.FullName, "tmp");

    [Fact]
    public async Task EveryServiceIdentityIsIssuedFromOneRootThatLeavesNothingBehind()
    {
        var (exitCode, output) = await RunScriptAsync();

        Assert.True(exitCode == 0, output);
        X509Certificate2? sharedRoot = null;
        foreach (var service in new[] { "ingress", "workload", "orders" })
        {
            var bundle = await File.ReadAllTextAsync(Path.Combine(Vault, $"{service}-mtls.pem"), TestContext.Current.CancellationToken);
            using var leaf = X509Certificate2.CreateFromPem(bundle, bundle);
            var certificates = new X509Certificate2Collection();
            certificates.ImportFromPem(bundle);
            Assert.Equal(2, certificates.Count);
            var root = certificates[1];
            sharedRoot ??= root;
            Assert.Equal(sharedRoot.Thumbprint, root.Thumbprint);

            Assert.True(leaf.HasPrivateKey);
            var names = Assert.IsType<X509SubjectAlternativeNameExtension>(leaf.Extensions["2.5.29.17"], exactMatch: false);
            Assert.Equal([$"{service}.secureflow.svc.cluster.local"], names.EnumerateDnsNames());
            Assert.Contains($"URI:spiffe://secureflow.localhost/ns/secureflow/sa/{service}", new System.Security.Cryptography.AsnEncodedData(names.Oid, names.RawData).Format(false), StringComparison.Ordinal);
            var usages = Assert.IsType<X509EnhancedKeyUsageExtension>(leaf.Extensions["2.5.29.37"], exactMatch: false).EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Select(oid => oid.Value);
            Assert.Equal(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"], usages);
            using var chain = new X509Chain { ChainPolicy = { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck } };
            chain.ChainPolicy.CustomTrustStore.Add(root);
            Assert.True(chain.Build(leaf), $"{service}-mtls does not chain to the root in its bundle.");
            Assert.Contains($"{service}-mtls: issued", output, StringComparison.Ordinal);
        }

        Assert.True(sharedRoot!.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Temp));
        Assert.DoesNotContain("PRIVATE KEY", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASecondRunWithCurrentIdentitiesIssuesNothing()
    {
        Assert.Equal(0, (await RunScriptAsync()).ExitCode);
        var first = await File.ReadAllTextAsync(Path.Combine(Vault, "workload-mtls.pem"), TestContext.Current.CancellationToken);

        var (exitCode, output) = await RunScriptAsync();

        Assert.True(exitCode == 0, output);
        Assert.Contains("service identities: in the vault, valid for more than 30 days", output, StringComparison.Ordinal);
        Assert.Equal(first, await File.ReadAllTextAsync(Path.Combine(Vault, "workload-mtls.pem"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task AnIdentityCloseToItsExpiryMakesTheScriptIssueThemAllAgain()
    {
        Assert.Equal(0, (await RunScriptAsync()).ExitCode);
        var before = await File.ReadAllTextAsync(Path.Combine(Vault, "ingress-mtls.pem"), TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(Vault, "orders-mtls.expires"), DateTime.UtcNow.AddDays(10).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture), TestContext.Current.CancellationToken);

        var (exitCode, output) = await RunScriptAsync();

        Assert.True(exitCode == 0, output);
        Assert.NotEqual(before, await File.ReadAllTextAsync(Path.Combine(Vault, "ingress-mtls.pem"), TestContext.Current.CancellationToken));
    }

    public void Dispose() => _root.Delete(recursive: true);

    private async Task<(int ExitCode, string Output)> RunScriptAsync()
    {
        var template = await TemplateAsync("infra/keyvault.bicep");
        var properties = Resource(template, "Microsoft.Resources/deploymentScripts")["properties"]!;
        var script = (string)properties["scriptContent"]!;
        Directory.CreateDirectory(Vault);
        Directory.CreateDirectory(Temp);
        var bin = Directory.CreateDirectory(Path.Combine(_root.FullName, "bin")).FullName;
        var az = Path.Combine(bin, "az");
        await File.WriteAllTextAsync(az, FakeAz(Vault), TestContext.Current.CancellationToken);
        File.SetUnixFileMode(az, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var scriptPath = Path.Combine(_root.FullName, "script.sh");
        await File.WriteAllTextAsync(scriptPath, script, TestContext.Current.CancellationToken);

        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(scriptPath);
        start.Environment.Clear();
        start.Environment["PATH"] = $"{bin}:/usr/bin:/bin";
        start.Environment["TMPDIR"] = Temp;
        foreach (var variable in properties["environmentVariables"]!.AsArray())
        {
            // The certificate policies are ARM expressions; the fake az takes any value.
            start.Environment[(string)variable!["name"]!] = "{}";
        }

        start.Environment["VAULT_NAME"] = "kv-test";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("The script did not start.");
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        return (process.ExitCode, await output.WaitAsync(Timeout, TestContext.Current.CancellationToken) + await error.WaitAsync(Timeout, TestContext.Current.CancellationToken));
    }

    /// <summary>
    /// An <c>az</c> for the calls the script makes: the vault is a folder (a file per object, its expiry beside it);
    /// <c>certificate create</c> and <c>secret set</c> add to it, the listings read it.
    /// </summary>
    private static string FakeAz(string vault) => $$"""
        #!/bin/sh
        vault='{{vault}}'
        name=''; file=''; expires='2099-01-01T00:00:00+00:00'; query=''
        for arg in "$@"; do
          case "$previous" in
            --name) name="$arg" ;;
            --file) file="$arg" ;;
            --expires) expires="$arg" ;;
            --query) query="$arg" ;;
          esac
          previous="$arg"
        done
        listed="$(printf '%s' "$query" | sed -n "s/.*name=='\([^']*\)'.*/\1/p")"
        case "$1 $2 $3" in
          "keyvault certificate list"|"keyvault secret list")
            case "$query" in
              *attributes.expires*) [ -f "$vault/$listed.expires" ] && cat "$vault/$listed.expires"; echo ;;
              *) if [ -f "$vault/$listed" ]; then echo 1; else echo 0; fi ;;
            esac ;;
          "keyvault certificate create") touch "$vault/$name" ;;
          "keyvault secret set")
            touch "$vault/$name"
            if [ -n "$file" ]; then cp "$file" "$vault/$name.pem"; printf '%s' "$expires" > "$vault/$name.expires"; fi ;;
          *) echo "fake az: unexpected call: $*" >&2; exit 2 ;;
        esac
        """;
}
