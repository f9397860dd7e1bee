using System.Text.Json.Nodes;
using SecureFlow.Publishing.Tests.Infrastructure;

namespace SecureFlow.Publishing.Tests.Bicep;

/// <summary>The real Bicep CLI accepts every published file with no diagnostic at all: an unknown property or a wrong type is a defect.</summary>
public sealed class BicepCliTests
{
    public static TheoryData<string> BicepFiles => new(
        "infra/main.bicep", "infra/monitoring.bicep", "infra/network.bicep", "infra/firewall.bicep", "infra/identities.bicep",
        "infra/keyvault.bicep", "infra/appgateway.bicep", "infra/aks.bicep");

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public async Task BuildsWithoutDiagnostics(string file)
    {
        var template = await CompiledBicep.TemplateAsync(file);

        Assert.NotEmpty(template["resources"]!.AsArray());
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public async Task LintsWithoutDiagnostics(string file)
    {
        var published = await PublishedOutput.DirectoryAsync();

        var (exitCode, output, error) = await ExternalProcess.RunAsync(Repository.BicepPath, ["lint", Path.Combine(published, file), "--diagnostics-format", "sarif"], TimeSpan.FromMinutes(2));

        Assert.True(exitCode == 0, $"bicep lint {file} failed:\n{output}\n{error}");
        var results = JsonNode.Parse(output)!["runs"]!.AsArray().SelectMany(run => run!["results"]!.AsArray()).ToList();
        Assert.True(results.Count == 0, $"bicep lint {file}:\n{string.Join('\n', results.Select(result => $"{result!["ruleId"]}: {result["message"]!["text"]}"))}");
    }

    [Fact]
    public void EveryPublishedBicepFileIsChecked()
    {
        var published = Directory.EnumerateFiles(Path.Combine(Repository.Root, "infra"), "*.bicep").Select(file => "infra/" + Path.GetFileName(file));

        Assert.Equal(published.Order(StringComparer.Ordinal), BicepFiles.Select(row => row.Data).Order(StringComparer.Ordinal));
    }
}
