using System.Diagnostics;
using System.Runtime.Versioning;
using static SecureFlow.Publishing.Tests.Infrastructure.CompiledBicep;

namespace SecureFlow.Publishing.Tests.Bicep;

/// <summary>
/// The vault provisioning script, run as the deployment script service runs it (its content from the compiled ARM
/// JSON), with POSIX sh and a fake <c>az</c> that keeps the vault's state in a folder: Key Vault makes each certificate
/// (the services' identities as placeholders the identity issuer replaces), the script makes no key, and a second run
/// changes nothing.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class VaultProvisioningScriptTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("secureflow-vault-script-");

    private string Vault => Path.Combine(_root.FullName, "vault");

    private string Temp => Path.Combine(_root.FullName, "tmp");

    [Fact]
    public async Task EachServiceIdentityIsAPlaceholderKeyVaultMakesAndTheScriptMakesNoKey()
    {
        var (exitCode, output) = await RunScriptAsync();

        Assert.True(exitCode == 0, output);
        foreach (var service in new[] { "ingress", "workload", "orders" })
        {
            Assert.True(File.Exists(Path.Combine(Vault, $"{service}-mtls")), $"{service}-mtls was not created in the vault.");
            Assert.Contains($"{service}-mtls: created by Key Vault", output, StringComparison.Ordinal);
        }

        // The identity issuer in the cluster signs them with the vault's root key: nothing issued here, no key written.
        Assert.Empty(Directory.EnumerateFiles(Vault, "*.pem"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Temp));
        Assert.DoesNotContain("PRIVATE KEY", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASecondRunFindsTheIdentitiesAndCreatesNothing()
    {
        Assert.Equal(0, (await RunScriptAsync()).ExitCode);
        var first = Directory.EnumerateFiles(Vault).Select(file => (file, File.GetLastWriteTimeUtc(file))).ToList();

        var (exitCode, output) = await RunScriptAsync();

        Assert.True(exitCode == 0, output);
        Assert.Contains("workload-mtls: in the vault, left as it is", output, StringComparison.Ordinal);
        Assert.DoesNotContain("created by Key Vault", output, StringComparison.Ordinal);
        Assert.Equal(first, Directory.EnumerateFiles(Vault).Select(file => (file, File.GetLastWriteTimeUtc(file))).ToList());
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
