using Microsoft.Extensions.Configuration;
using SecureFlow.AppHost.Launch;

namespace SecureFlow.AppHost.Tests.Launch;

/// <summary>Which runs start the services' built programs directly, and which leave them to <c>dotnet run</c> or the IDE.</summary>
public sealed class BuiltProjectLaunchTests
{
    [Fact]
    public void APlainRunStartsTheBuiltPrograms() => Assert.True(BuiltProjectLaunch.Applies(Configuration()));

    [Theory]
    [InlineData("DEBUG_SESSION_PORT", "localhost:5000")]
    [InlineData("DOTNET_WATCH", "1")]
    [InlineData(BuiltProjectLaunch.EnabledKey, "false")]
    public void AnIdeSessionWatchOrTheSwitchLeavesTheProjectsToTheirUsualLaunch(string key, string value) =>
        Assert.False(BuiltProjectLaunch.Applies(Configuration((key, value))));

    [Fact]
    public void AServiceBuiltInTheAppHostsConfigurationIsFoundBesideItsProject()
    {
        var project = Path.Combine(RepositoryRoot(), "SecureFlow.Orders", "SecureFlow.Orders.csproj");

        var executable = BuiltProjectLaunch.Executable(project);

        Assert.NotNull(executable);
        Assert.True(File.Exists(executable));
        Assert.StartsWith(Path.Combine(RepositoryRoot(), "SecureFlow.Orders", "bin"), executable, StringComparison.Ordinal);
    }

    [Fact]
    public void AConfigurationThatWasNotBuiltHasNoProgramSoTheProjectIsLeftToDotnetRun()
    {
        var project = Path.Combine(RepositoryRoot(), "SecureFlow.Orders", "SecureFlow.Orders.csproj");

        Assert.Null(BuiltProjectLaunch.Executable(project, configuration: "NeverBuilt"));
    }

    [Fact]
    public void TheBuiltProgramsAreToldWhereTheDotnetRunningTheAppHostIs()
    {
        var root = BuiltProjectLaunch.DotnetRoot;

        Assert.True(File.Exists(Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet")), $"No dotnet host in {root}.");
        Assert.True(Directory.Exists(Path.Combine(root, "shared", "Microsoft.NETCore.App", Environment.Version.ToString())), $"No runtime {Environment.Version} in {root}.");
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(value => new KeyValuePair<string, string?>(value.Key, value.Value))).Build();

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SecureFlow.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("SecureFlow.sln not found above the test's folder.");
    }
}
