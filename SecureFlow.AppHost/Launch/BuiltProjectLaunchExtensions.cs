using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SecureFlow.AppHost.Launch;

namespace Aspire.Hosting;

public static partial class BuiltProjectLaunchExtensions
{
    /// <summary>
    /// Run mode: DCP starts each project resource's built program (the AppHost's build output, same configuration,
    /// environment, arguments and working folder) instead of <c>dotnet run --project P --no-build</c>, which spends seconds
    /// of CPU per service evaluating the project before it starts that same program. Not under an IDE session (the IDE
    /// launches and debugs projects), not under <c>dotnet watch</c>, and not for a project whose program is not built;
    /// <c>SecureFlow:LaunchBuiltProjects=false</c> turns it off.
    /// <code>
    /// var builder = DistributedApplication.CreateBuilder(args).RunProjectsFromBuildOutput();
    /// </code>
    /// </summary>
    public static IDistributedApplicationBuilder RunProjectsFromBuildOutput(this IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!builder.ExecutionContext.IsRunMode || !BuiltProjectLaunch.Applies(builder.Configuration))
        {
            return builder;
        }

        builder.Eventing.Subscribe<BeforeStartEvent>((startEvent, _) =>
        {
            var logs = startEvent.Services.GetRequiredService<ResourceLoggerService>();
            foreach (var project in startEvent.Model.Resources.OfType<ProjectResource>())
            {
                if (project.Annotations.OfType<ExecutableAnnotation>().Any())
                {
                    continue; // Something else chose how this project starts.
                }

                var projectPath = project.GetProjectMetadata().ProjectPath;
                if (BuiltProjectLaunch.Executable(projectPath) is { } executable)
                {
                    project.Annotations.Add(new ExecutableAnnotation { Command = executable, WorkingDirectory = Path.GetDirectoryName(projectPath)! });
                    project.Annotations.Add(new EnvironmentCallbackAnnotation(environment => environment["DOTNET_ROOT"] = BuiltProjectLaunch.DotnetRoot));
                    var logger = logs.GetLogger(project);
                    LogBuiltProgram(logger, executable);
                }
                else
                {
                    var logger = logs.GetLogger(project);
                    LogNotBuilt(logger, projectPath);
                }
            }

            return Task.CompletedTask;
        });
        return builder;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Starting the built program {Executable} (not `dotnet run`)")]
    private static partial void LogBuiltProgram(ILogger logger, string executable);

    [LoggerMessage(Level = LogLevel.Information, Message = "No built program for {Project}: starting it with `dotnet run`")]
    private static partial void LogNotBuilt(ILogger logger, string project);
}
