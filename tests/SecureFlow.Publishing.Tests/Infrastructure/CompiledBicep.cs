using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace SecureFlow.Publishing.Tests.Infrastructure;

/// <summary>The published Bicep files compiled to ARM JSON by the real Bicep CLI (once per file per run).</summary>
internal static class CompiledBicep
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<JsonObject>>> Templates = new();

    /// <summary>The ARM template <c>bicep build</c> makes of <paramref name="file"/> (for example <c>infra/appgateway.bicep</c>).</summary>
    public static Task<JsonObject> TemplateAsync(string file) =>
        Templates.GetOrAdd(file, name => new Lazy<Task<JsonObject>>(() => BuildAsync(name))).Value.WaitAsync(TimeSpan.FromMinutes(5), TestContext.Current.CancellationToken);

    /// <summary>The resources of a template of one type (ARM type, without API version).</summary>
    public static IReadOnlyList<JsonObject> Resources(JsonObject template, string type) =>
        [.. template["resources"]!.AsArray().Select(resource => resource!.AsObject()).Where(resource => string.Equals((string?)resource["type"], type, StringComparison.OrdinalIgnoreCase))];

    public static JsonObject Resource(JsonObject template, string type) => Assert.Single(Resources(template, type));

    /// <summary>The value of a template variable, for properties the template sets through one (<c>[variables('x')]</c>).</summary>
    public static string Variable(JsonObject template, string name) => (string)template["variables"]![name]!;

    private static async Task<JsonObject> BuildAsync(string file)
    {
        var published = await PublishedOutput.DirectoryAsync();
        var (exitCode, output, error) = await ExternalProcess.RunAsync(Repository.BicepPath, ["build", Path.Combine(published, file), "--stdout"], TimeSpan.FromMinutes(2));
        Assert.True(exitCode == 0, $"bicep build {file} failed:\n{error}");
        Assert.True(string.IsNullOrWhiteSpace(error), $"bicep build {file} reported diagnostics:\n{error}");
        return JsonNode.Parse(output)!.AsObject();
    }
}
