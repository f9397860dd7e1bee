namespace SecureFlow.Publishing.Tests.Infrastructure;

/// <summary>
/// The real AppHost published once into a temporary folder, exactly as a user runs it
/// (<c>dotnet run --project SecureFlow.AppHost -- --operation publish --output-path DIR</c>).
/// </summary>
internal static class PublishedOutput
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? directory;

    /// <summary>The folder the real AppHost published into (published on first use; bounded in time).</summary>
    public static Task<string> DirectoryAsync() => PublishOnceAsync().WaitAsync(TimeSpan.FromMinutes(5), TestContext.Current.CancellationToken);

    private static async Task<string> PublishOnceAsync()
    {
        await Gate.WaitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(5), TestContext.Current.CancellationToken);
        try
        {
            if (directory is null)
            {
                var output = Path.Combine(Path.GetTempPath(), "secureflow-publish-" + Guid.NewGuid().ToString("N"));
                var (exitCode, stdout, stderr) = await ExternalProcess.RunAsync("dotnet",
                    ["run", "--no-build", "--no-launch-profile", "--project", Path.Combine(Repository.Root, "SecureFlow.AppHost"), "--", "--operation", "publish", "--output-path", output],
                    TimeSpan.FromMinutes(3));
                Assert.True(exitCode == 0, $"Publishing failed ({exitCode}):\n{stdout}\n{stderr}");
                directory = output;

                // The folder is this test run's: it goes when the run ends.
                AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(output, recursive: true);
            }

            return directory;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Every file the publish wrote, by path relative to its output folder, with '/' separators.</summary>
    public static IReadOnlyList<string> Files(string root) =>
        [.. Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(file => Path.GetRelativePath(root, file).Replace('\\', '/')).Order(StringComparer.Ordinal)];
}
