using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using SecureFlow.AppHost.Publishing;
using SecureFlow.AppHost.Publishing.Egress;
using SecureFlow.Publishing.Tests.Infrastructure;

namespace SecureFlow.Publishing.Tests;

/// <summary>docs/egress.md: the whole allow-list in one place, one row per rule, each naming the model line it comes from.</summary>
public sealed class EgressReportTests
{
    [Fact]
    public void EveryEgressRuleOfTheModelIsARowNamingItsModelLine()
    {
        var builder = SampleModel.Create((builder, _) => builder.CreateResourceBuilder<ProjectResource>("workload").WithEgressTo("*.contoso.com", "files.contoso.com:80"));

        var report = EgressReport.Render(PublishedApp.From(builder.Resources));

        Assert.Contains("| `workload` | `api.example.org` | 443 (HTTPS) | `workload-egress` / `workload-https` | `workload.WithEgressTo(\"api.example.org\")` in AppHost.cs |", report, StringComparison.Ordinal);
        Assert.Contains("| `workload` | `*.contoso.com` | 443 (HTTPS) | `workload-egress` / `workload-https` | `workload.WithEgressTo(\"*.contoso.com\")` in AppHost.cs |", report, StringComparison.Ordinal);
        Assert.Contains("| `workload` | `files.contoso.com` | 80 (HTTP) | `workload-egress` / `workload-http` | `workload.WithEgressTo(\"files.contoso.com:80\")` in AppHost.cs |", report, StringComparison.Ordinal);
        Assert.Contains("FQDN tag `AzureKubernetesService`", report, StringComparison.Ordinal);
        Assert.Contains("| `*.data.mcr.microsoft.com` | 443 (HTTPS) | `aks-required` / `aks-required-fqdns` |", report, StringComparison.Ordinal);
        Assert.DoesNotContain("| `ingress` | `", report.Split("## What each pod needs")[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishWritesTheEgressReport()
    {
        var published = await PublishedOutput.DirectoryAsync();

        var report = await File.ReadAllTextAsync(Path.Combine(published, EgressReport.Path), TestContext.Current.CancellationToken);

        Assert.StartsWith("# Egress", report, StringComparison.Ordinal);
        Assert.Contains("| `workload` | `api.example.org` | 443 (HTTPS) |", report, StringComparison.Ordinal);
    }
}
