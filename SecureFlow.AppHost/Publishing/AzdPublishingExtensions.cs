using Aspire.Hosting.Pipelines;
using Microsoft.Extensions.DependencyInjection;
using SecureFlow.AppHost.Publishing;

namespace Aspire.Hosting;

public static class AzdPublishingExtensions
{
    /// <summary>The name of the pipeline step that writes the azd project.</summary>
    public const string StepName = "publish-azd";

    /// <summary>
    /// Publishes the model for <c>azd up</c>: a pipeline step, required by publish, that writes <c>infra/</c> (Bicep),
    /// <c>deploy/</c> (Kubernetes manifests) and <c>azure.yaml</c> into the output folder. Run it with
    /// <c>dotnet run --project SecureFlow.AppHost -- --operation publish --output-path "$PWD"</c> or <c>aspire publish</c>.
    /// <code>
    /// builder.AddAzdPublishing();
    /// </code>
    /// </summary>
    /// <param name="builder">The app model's builder.</param>
    /// <param name="firewallTier">The Azure Firewall tier: Premium (IDPS, the AKS baseline's) unless cost asks for Standard.</param>
    public static IDistributedApplicationBuilder AddAzdPublishing(this IDistributedApplicationBuilder builder, AzureFirewallTier firewallTier = AzureFirewallTier.Premium)
    {
        ArgumentNullException.ThrowIfNull(builder);

#pragma warning disable ASPIREPIPELINES001, ASPIREPIPELINES004 // The pipeline API is experimental in Aspire 13.6; it is how publish steps are added.
        builder.Pipeline.AddStep(StepName, async context =>
        {
            var output = context.Services.GetRequiredService<IPipelineOutputService>().GetOutputDirectory();
            var written = await AzdArtifacts.WriteAsync(context.Model.Resources, output, context.CancellationToken, firewallTier).ConfigureAwait(false);
            await context.ReportingStep.CompleteAsync($"Wrote {written.Count} files for azd into {output}", cancellationToken: context.CancellationToken).ConfigureAwait(false);
        }, requiredBy: WellKnownPipelineSteps.Publish);

        // Without --step the pipeline would run every step, deploy included (container builds and pushes, which need a
        // registry and Docker): a plain --operation publish means the publish step and what it requires.
        builder.Services.PostConfigure<PipelineOptions>(options => options.Step ??= WellKnownPipelineSteps.Publish);
#pragma warning restore ASPIREPIPELINES001, ASPIREPIPELINES004

        return builder;
    }
}
