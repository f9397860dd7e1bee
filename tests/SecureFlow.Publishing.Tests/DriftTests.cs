using SecureFlow.Publishing.Tests.Infrastructure;

namespace SecureFlow.Publishing.Tests;

/// <summary>The committed infra/, deploy/ and azure.yaml are exactly what the model publishes: they are its snapshots.</summary>
public sealed class DriftTests
{
    private const string Regenerate = "regenerate with: dotnet run --project SecureFlow.AppHost -- --operation publish --output-path \"$PWD\" (then review the diff)";

    [Fact]
    public async Task CommittedArtifactsEqualWhatTheModelPublishes()
    {
        var published = await PublishedOutput.DirectoryAsync();
        var files = PublishedOutput.Files(published);
        Assert.Contains("azure.yaml", files);
        Assert.Contains("infra/main.bicep", files);

        foreach (var file in files)
        {
            var committed = Path.Combine(Repository.Root, file);
            Assert.True(File.Exists(committed), $"{file} is published but not committed: {Regenerate}");
            var expected = File.ReadAllBytes(Path.Combine(published, file));
            var actual = File.ReadAllBytes(committed);
            Assert.True(expected.SequenceEqual(actual), $"{file} differs from what the model publishes: {Regenerate}");
        }

        foreach (var folder in new[] { "infra", "deploy" })
        {
            var stale = PublishedOutput.Files(Path.Combine(Repository.Root, folder)).Select(file => $"{folder}/{file}").Except(files);
            Assert.True(!stale.Any(), $"Committed but no longer published: {string.Join(", ", stale)}; delete them or {Regenerate}");
        }
    }
}
