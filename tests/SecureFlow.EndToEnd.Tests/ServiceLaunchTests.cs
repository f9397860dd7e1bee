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
    }
}
