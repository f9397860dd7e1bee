using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace SecureFlow.AppHost.Launch;

/// <summary>
/// Where a project resource's build output is, so that DCP can start the built program itself instead of
/// <c>dotnet run --project P --no-build</c>: that command evaluates the project with MSBuild (one to three seconds of CPU on
/// a 2-core machine, for each service, on every start) only to start the same program in the same folder. The program is
/// the one the AppHost's build produced (the AppHost references every service project, so building it builds them), in
/// the AppHost's own configuration, run with the same environment and arguments; a program that is not there leaves the
/// project to <c>dotnet run</c>, and so do IDE launches (an IDE session starts and debugs projects itself) and
/// <c>dotnet watch</c>.
/// </summary>
internal static class BuiltProjectLaunch
{
    /// <summary>The configuration key that turns this off (<c>false</c>: every project starts with <c>dotnet run</c>).</summary>
    public const string EnabledKey = "SecureFlow:LaunchBuiltProjects";

    /// <summary>Whether projects are started from their build output in this run.</summary>
    public static bool Applies(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return !string.Equals(configuration[EnabledKey], "false", StringComparison.OrdinalIgnoreCase)
            && string.IsNullOrEmpty(configuration["DEBUG_SESSION_PORT"])
            && !string.Equals(configuration["DOTNET_WATCH"], "1", StringComparison.Ordinal)
            && !string.Equals(configuration["DOTNET_WATCH"], "true", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The program the build wrote for <paramref name="projectPath"/>: <c>bin/CONFIGURATION/netX.Y/NAME</c> beside the
    /// project file (the SDK's default layout, which these projects keep), or null when it is not there.
    /// </summary>
    public static string? Executable(string projectPath, string? configuration = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(projectPath);
        configuration ??= AppHostConfiguration;
        if (string.IsNullOrEmpty(configuration) || Path.GetDirectoryName(Path.GetFullPath(projectPath)) is not { } directory)
        {
            return null;
        }

        var name = Path.GetFileNameWithoutExtension(projectPath);
        var framework = $"net{Environment.Version.Major}.{Environment.Version.Minor}";
        var executable = Path.Combine(directory, "bin", configuration, framework, OperatingSystem.IsWindows() ? name + ".exe" : name);

        // The program and the assembly it runs must both be there: a folder left by another build is not enough.
        return File.Exists(executable) && File.Exists(Path.Combine(directory, "bin", configuration, framework, name + ".dll")) ? executable : null;
    }

    /// <summary>
    /// Where the .NET running the AppHost is installed: a built program finds its runtime through <c>DOTNET_ROOT</c> or
    /// the system's default location, not through <c>PATH</c> as <c>dotnet run</c> does, so a .NET installed elsewhere
    /// (<c>~/.dotnet</c>) must be named. The user's own <c>DOTNET_ROOT</c> wins.
    /// </summary>
    public static string DotnetRoot =>
        Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root
            ? root
            : Path.GetFullPath(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));

    /// <summary>The AppHost's build configuration (Debug, Release), which <c>dotnet run</c> would pass to each project.</summary>
    private static string? AppHostConfiguration => typeof(BuiltProjectLaunch).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration;
}
