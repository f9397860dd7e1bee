using SecureFlow.AppHost.Publishing.Azd;
using SecureFlow.AppHost.Publishing.Bicep;
using SecureFlow.AppHost.Publishing.Controls;
using SecureFlow.AppHost.Publishing.Egress;
using SecureFlow.AppHost.Publishing.Kubernetes;

namespace SecureFlow.AppHost.Publishing;

/// <summary>
/// Every file publish mode writes, by path relative to the output folder: Bicep in <c>infra/</c>, manifests in
/// <c>deploy/</c>, <c>azure.yaml</c> and its hook, and the controls catalog <c>docs/controls.md</c>. All come from the
/// same <see cref="PublishedApp"/>.
/// </summary>
internal static class AzdArtifacts
{
    /// <summary>The azd project name.</summary>
    public const string ProjectName = "secureflow";

    public static IReadOnlyList<(string Path, string Text)> Generate(IEnumerable<IResource> resources, AzureFirewallTier firewallTier = AzureFirewallTier.Premium)
    {
        var app = PublishedApp.From(resources) with { FirewallTier = firewallTier };
        BicepFile[] bicep =
        [
            MainTemplate.Build(app),
            MonitoringModule.Build(),
            NetworkModule.Build(app),
            FirewallModule.Build(app),
            IdentitiesModule.Build(app),
            KeyVaultModule.Build(app),
            ApplicationGatewayModule.Build(app),
            AksModule.Build(app),
        ];
        return
        [
            .. bicep.Select(file => (file.Path, file.ToString())),
            (ParametersFile.Path, ParametersFile.Build(app)),
            (ProvisioningHook.Path, ProvisioningHook.Build(app)),
            .. KubernetesManifests.Build(app),
            (AzureYaml.Path, AzureYaml.Build(app, ProjectName)),
            (ControlsCatalog.Path, ControlsCatalog.Render(app)),
            (ChainExpectationsDocument.Path, ChainExpectationsDocument.Render(app)),
            (EgressReport.Path, EgressReport.Render(app)),
        ];
    }

    /// <summary>Writes every artifact under <paramref name="outputDirectory"/>, replacing what a previous publish wrote.</summary>
    public static async Task<IReadOnlyList<string>> WriteAsync(
        IEnumerable<IResource> resources, string outputDirectory, CancellationToken cancellationToken, AzureFirewallTier firewallTier = AzureFirewallTier.Premium)
    {
        var artifacts = Generate(resources, firewallTier);
        foreach (var generatedFolder in new[] { "infra", "deploy" }.Select(folder => System.IO.Path.Combine(outputDirectory, folder)).Where(Directory.Exists))
        {
            // A file the model no longer produces must not linger and be deployed.
            Directory.Delete(generatedFolder, recursive: true);
        }

        foreach (var (path, text) in artifacts)
        {
            var fullPath = System.IO.Path.Combine(outputDirectory, path);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(fullPath)!);
            await File.WriteAllTextAsync(fullPath, text, cancellationToken).ConfigureAwait(false);
            if (path.EndsWith(".sh", StringComparison.Ordinal) && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(fullPath, File.GetUnixFileMode(fullPath) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            }
        }

        return [.. artifacts.Select(artifact => artifact.Path)];
    }
}
