using SecureFlow.EndToEnd.Tests.Infrastructure;

namespace SecureFlow.EndToEnd.Tests;

/// <summary>
/// The AppHost starts each service as the program its build produced, not through <c>dotnet run --no-build</c>, which
/// spends seconds evaluating the project on every start before it runs that same program.
/// </summary>
public sealed class ServiceLaunchTests(SharedApp shared)
{
    [Theory]
    [InlineData("vault", "SecureFlow.KeyVaultEmulator")]
    [InlineData("orders", "SecureFlow.Orders")]
    [InlineData("workload", "SecureFlow.Workload")]
    [InlineData("ingress", "SecureFlow.Gateway")]
    [InlineData("edge", "SecureFlow.Gateway")]
    public async Task EachServiceRunsAsItsBuiltProgramWithoutDotnetRun(string service, string project)
    {
        var commandLine = await ServiceProcess.CommandLineAsync(shared.App, service);

        Assert.NotEmpty(commandLine);
        Assert.Equal(project, Path.GetFileName(commandLine[0]));
        Assert.Equal(project, Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(commandLine[0]))))));
        Assert.DoesNotContain("run", commandLine);

        // A built program finds its runtime through DOTNET_ROOT, not PATH: it is told the AppHost's own .NET.
        var environment = await ServiceProcess.EnvironmentAsync(shared.App, service);
        Assert.True(environment.TryGetValue("DOTNET_ROOT", out var root), $"'{service}' runs without DOTNET_ROOT.");
        Assert.True(File.Exists(Path.Combine(root, "dotnet")), $"'{service}': no dotnet host in DOTNET_ROOT '{root}'.");
    }
}
