using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using SecureFlow.Publishing.Tests.Infrastructure;

namespace SecureFlow.Publishing.Tests.Azd;

/// <summary>azure.yaml is a valid azd project (checked against azd's own schema) that deploys each pod to AKS.</summary>
public sealed class AzureYamlTests
{
    [Fact]
    public async Task AzureYamlValidatesAgainstTheAzdSchema()
    {
        Assert.SkipWhen(Repository.AzdSchemas is null, "../shared/data/azd-schemas (azd's schema, checked out next to the repository) is absent.");
        var schemas = Repository.AzdSchemas!;
        var registry = new SchemaRegistry();
        foreach (var referenced in File.ReadAllLines(Path.Combine(schemas, "FILES.txt")).Where(line => line.StartsWith("cli/", StringComparison.Ordinal)))
        {
            // The schema references these by URL (their $id): building them into the registry resolves them offline.
            JsonSchema.FromFile(Path.Combine(schemas, referenced), new BuildOptions { SchemaRegistry = registry });
        }

        var schema = JsonSchema.FromFile(Path.Combine(schemas, "schemas", "v1.0", "azure.yaml.json"), new BuildOptions { SchemaRegistry = registry });
        var project = YamlToJson.Convert(File.ReadAllText(Path.Combine(await PublishedOutput.DirectoryAsync(), "azure.yaml")));

        var result = schema.Evaluate(JsonSerializer.SerializeToElement(project), new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.True(result.IsValid, string.Join('\n', (result.Details ?? []).Where(detail => detail.Errors is not null).SelectMany(detail => detail.Errors!.Select(error => $"{detail.InstanceLocation}: {error.Value}"))));
    }

    [Fact]
    public void AzdSchemaValidationCatchesAnInvalidProject()
    {
        Assert.SkipWhen(Repository.AzdSchemas is null, "../shared/data/azd-schemas is absent.");
        var schema = JsonSchema.FromFile(Path.Combine(Repository.AzdSchemas!, "schemas", "v1.0", "azure.yaml.json"), new BuildOptions { SchemaRegistry = new SchemaRegistry() });

        var result = schema.Evaluate(JsonSerializer.SerializeToElement(YamlToJson.Convert("name: x\nservices:\n  web:\n    project: ./web\n    host: kubernetes\n")));

        Assert.False(result.IsValid);
    }

    [Fact]
    public async Task EveryPodIsAnAksServiceDeployedFromItsManifestsAfterTheCertificateHook()
    {
        var published = await PublishedOutput.DirectoryAsync();
        var project = YamlToJson.Convert(File.ReadAllText(Path.Combine(published, "azure.yaml")))!;

        var services = project["services"]!.AsObject();
        Assert.Equal(["identity-issuer", "ingress", "workload", "orders"], services.Select(service => service.Key));
        Assert.All(services, service =>
        {
            Assert.Equal("aks", (string?)service.Value!["host"]);
            Assert.Equal($"../deploy/{service.Key}", (string?)service.Value["k8s"]!["deploymentPath"]);
            Assert.True(Directory.Exists(Path.Combine(Repository.Root, (string)service.Value["project"]!)), $"{service.Key}: its project folder does not exist.");
            Assert.True(Directory.Exists(Path.GetFullPath(Path.Combine(published, (string)service.Value["project"]!, (string)service.Value["k8s"]!["deploymentPath"]!))), $"{service.Key}: its manifests are not where azd looks.");
        });
        Assert.Equal("infra/hooks/preprovision.sh", (string?)project["hooks"]!["preprovision"]!["run"]);
        Assert.Equal("bicep", (string?)project["infra"]!["provider"]);
    }
}
