using System.Diagnostics;
using System.Runtime.Versioning;
using SecureFlow.Publishing.Tests.Infrastructure;

namespace SecureFlow.Publishing.Tests.Azd;

/// <summary>
/// The preprovision hook, run as azd runs it: with the shell azure.yaml declares, and a fake <c>azd</c> and <c>az</c> on
/// PATH that record every call. It refuses a weak API server range before anything is provisioned and never puts a
/// certificate, key or secret into the azd environment.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class ProvisioningHookTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly DirectoryInfo fakes = Directory.CreateTempSubdirectory("secureflow-hook-");

    private string Calls => Path.Combine(fakes.FullName, "calls.log");

    public ProvisioningHookTests()
    {
        foreach (var tool in new[] { "azd", "az" })
        {
            var path = Path.Combine(fakes.FullName, tool);
            File.WriteAllText(path, $"#!/bin/sh\nprintf '%s\\n' \"{tool} $*\" >> '{Calls}'\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public async Task HookRunsWithTheShellAzureYamlDeclaresAndWritesNothingToTheAzdEnvironment()
    {
        var (exitCode, output, error) = await RunHookAsync("contoso.com", "203.0.113.7/32");

        Assert.True(exitCode == 0, $"The hook failed ({exitCode}):\n{output}\n{error}");
        Assert.Contains("API server reachable from 203.0.113.7/32 only", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Calls), $"The hook called azd or az:\n{(File.Exists(Calls) ? File.ReadAllText(Calls) : "")}");
    }

    [Theory]
    [InlineData("0.0.0.0/0", "opens the API server to (nearly) the whole Internet")]
    [InlineData("10.0.0.0/4", "opens the API server to (nearly) the whole Internet")]
    [InlineData("", "set the address range allowed to reach the AKS API server")]
    [InlineData("203.0.113.7", "has no prefix length")]
    [InlineData("203.0.113.256/32", "is not an IPv4 range")]
    [InlineData("0.0.0.0/8", "is not a public address range")]
    [InlineData("203.0.113.7/33", "at most /32")]
    [InlineData("203.0.113.7/32,0.0.0.0/0", "the prefix length must be a number")]
    [InlineData("203.0.113.7/32 ", "the prefix length must be a number")]
    [InlineData("99999999999999999999.0.0.1/32", "is not an IPv4 range")]
    public async Task HookRefusesAnApiServerRangeThatIsOpenEmptyOrNotARange(string range, string reason)
    {
        var (exitCode, _, error) = await RunHookAsync("contoso.com", range);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.False(File.Exists(Calls));
    }

    [Fact]
    public async Task HookRefusesAMissingDomain()
    {
        var (exitCode, _, error) = await RunHookAsync(null, "203.0.113.7/32");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("azd env set DOMAIN_NAME", error, StringComparison.Ordinal);
    }

    public void Dispose() => fakes.Delete(recursive: true);

    /// <summary>Runs the published hook with the shell azure.yaml names (POSIX sh: dash on Debian), the fakes first on PATH.</summary>
    private async Task<(int ExitCode, string Output, string Error)> RunHookAsync(string? domain, string range)
    {
        var published = await PublishedOutput.DirectoryAsync();
        var hook = YamlToJson.Convert(File.ReadAllText(Path.Combine(published, "azure.yaml")))!["hooks"]!["preprovision"]!;
        var start = new ProcessStartInfo((string)hook["shell"]!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = published,
        };
        start.ArgumentList.Add((string)hook["run"]!);
        start.Environment.Clear();
        start.Environment["PATH"] = $"{fakes.FullName}:/usr/bin:/bin";
        start.Environment["AKS_API_SERVER_AUTHORIZED_IP_RANGE"] = range;
        if (domain is not null)
        {
            start.Environment["DOMAIN_NAME"] = domain;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("The hook did not start.");
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        return (process.ExitCode, await output.WaitAsync(Timeout, TestContext.Current.CancellationToken), await error.WaitAsync(Timeout, TestContext.Current.CancellationToken));
    }
}
