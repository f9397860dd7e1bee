using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SecureFlow.AppHost.Configuration;
using SecureFlow.AppHost.KeyVault;
using SecureFlow.Contracts.Management;

namespace Aspire.Hosting;

public static class KeyVaultResourceExtensions
{
    /// <summary>The configuration key of the folder where local vaults keep their contents (default: per user).</summary>
    public const string DataDirectoryKey = "SecureFlow:KeyVault:DataDirectory";

    /// <summary>The dashboard command that issues and imports new versions of the vault's certificates.</summary>
    public const string RotateCertificatesCommand = "rotate-certificates";

    /// <summary>
    /// Adds a Key Vault. In run mode it is SecureFlow.KeyVaultEmulator on HTTPS (certificate from the development
    /// CA), provisioned at start through the Azure SDK with the model's certificates and secrets; it reports healthy
    /// once provisioned, so resources that wait for it find their objects there.
    /// <code>
    /// var vault = builder.AddKeyVault("vault");
    /// </code>
    /// </summary>
    public static IResourceBuilder<KeyVaultResource> AddKeyVault(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        ArgumentNullException.ThrowIfNull(builder);

        var vault = new KeyVaultResource(name);
        vault.TlsCertificate = builder.AddIssuedCertificate($"{name}-https", "localhost").WithParentRelationship(vault).Resource;

        // The emulator's /health, seen the moment it first answers; provisioning waits for it too, not for the next check.
        var (emulatorCheck, emulator) = StartupHealthCheckExtensions.AddStartupHealthCheck(
            builder.CreateResourceBuilder(vault), "/health", KeyVaultResource.ManagementEndpointName);
        var provisioner = new KeyVaultProvisioner(vault, builder, emulator);
        var provisionedCheck = $"{name}-provisioned";
        builder.Services.AddSingleton(_ => provisioner);
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(provisionedCheck, provisioner.Attach, failureStatus: null, tags: null));

        var dataRoot = builder.Configuration[DataDirectoryKey] ?? Path.Combine(
            Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "SecureFlow", "key-vault");

#pragma warning disable ASPIREPROJECTS001 // WithProjectDefaults is how a ProjectResource subclass gets the defaults AddProject gives.
        return builder.AddResource(vault)
            .WithAnnotation(new Projects.SecureFlow_KeyVaultEmulator())
            .WithProjectDefaults(new ProjectResourceOptions { ExcludeKestrelEndpoints = true })
#pragma warning restore ASPIREPROJECTS001
            .WithHttpsEndpoint(name: KeyVaultResource.HttpsEndpointName, env: ServiceConfiguration.Key<KeyVaultEmulatorOptions>(options => options.Https.Port))
            .WithHttpEndpoint(name: KeyVaultResource.ManagementEndpointName, env: ServiceConfiguration.Key<ManagementOptions>(options => options.Port))
            .WithEndpointsInEnvironment(_ => false)
            .WithHealthCheck(emulatorCheck)
            .WithHealthCheck(provisionedCheck)
            .WithUrlForEndpoint(KeyVaultResource.ManagementEndpointName, url => url.DisplayLocation = UrlDisplayLocation.DetailsOnly)
            .WithEnvironment(context => KeyVaultClientConfiguration.WriteEmulator(vault, Path.Combine(dataRoot, name), context.EnvironmentVariables))
            .WithCommand(RotateCertificatesCommand, "Rotate certificates", provisioner.RotateAsync, new CommandOptions
            {
                Description = "Issues a new version of every certificate in the vault and imports it; gateways serve it at their next poll.",
                IconName = "ArrowSync",
                UpdateState = context => context.ResourceSnapshot.HealthStatus is HealthStatus.Healthy ? ResourceCommandState.Enabled : ResourceCommandState.Disabled,
            });
    }

    /// <summary>
    /// Adds a TLS certificate to the vault. The development CA issues it at start in run mode and the provisioning
    /// step imports it (with the root it chains to, as the secret <c>NAME-root</c>), as the Azure deployment will.
    /// <code>
    /// var edgeCert = vault.AddCertificate("edge-tls", "delta.secureflow.localhost");
    /// </code>
    /// </summary>
    public static IResourceBuilder<CertificateResource> AddCertificate(
        this IResourceBuilder<KeyVaultResource> vault, [ResourceName] string name, params string[] dnsNames)
    {
        ArgumentNullException.ThrowIfNull(vault);

        var certificate = vault.ApplicationBuilder.AddIssuedCertificate(name, dnsNames).WithParentRelationship(vault.Resource);
        certificate.Resource.Vault = vault.Resource;
        vault.Resource.Add(certificate.Resource);
        return certificate;
    }

    /// <summary>
    /// Adds a secret to the vault, with the value of <paramref name="value"/>; the provisioning step sets it.
    /// <code>
    /// var apiKey = vault.AddSecret("workload-api-key", builder.AddParameter("workload-api-key-value", secret: true));
    /// </code>
    /// </summary>
    public static IResourceBuilder<KeyVaultSecretResource> AddSecret(
        this IResourceBuilder<KeyVaultResource> vault, [ResourceName] string name, IResourceBuilder<ParameterResource> value)
    {
        ArgumentNullException.ThrowIfNull(vault);
        ArgumentNullException.ThrowIfNull(value);

        var secret = new KeyVaultSecretResource(name, vault.Resource, value.Resource);
        vault.Resource.Add(secret);
        return vault.ApplicationBuilder.AddResource(secret)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "Secret",
                State = new ResourceStateSnapshot("Pending", KnownResourceStateStyles.Info),
                Properties = [],
            })
            .ExcludeFromManifest();
    }

    /// <summary>
    /// Sets how often gateways look for a new version of their certificates (Application Gateway polls every 4 hours).
    /// <code>
    /// builder.AddKeyVault("vault").WithCertificateRefreshInterval(TimeSpan.FromSeconds(5));
    /// </code>
    /// </summary>
    public static IResourceBuilder<KeyVaultResource> WithCertificateRefreshInterval(this IResourceBuilder<KeyVaultResource> vault, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(vault);
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, TimeSpan.FromSeconds(1));

        vault.Resource.CertificateRefreshInterval = interval;
        return vault;
    }

    /// <summary>
    /// Grants the resource's own identity <paramref name="role"/> on the vault, or only on <paramref name="vaultObject"/>
    /// (least privilege: prefer the object). The resource authenticates as itself and waits for the vault; a read outside
    /// its grants is answered 403, locally as in Azure.
    /// <code>
    /// builder.AddProject&lt;Projects.SecureFlow_Workload&gt;("workload").WithKeyVaultAccess(vault, KeyVaultRole.SecretsUser, apiKey);
    /// </code>
    /// </summary>
    public static IResourceBuilder<T> WithKeyVaultAccess<T>(
        this IResourceBuilder<T> builder, IResourceBuilder<KeyVaultResource> vault, KeyVaultRole role, IResourceBuilder<IResource>? vaultObject = null)
        where T : IResourceWithEnvironment, IResourceWithWaitSupport
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(vault);

        vault.Resource.Grant(builder.Resource.Name, role, vaultObject?.Resource.Name);
        return builder
            .WithEnvironment(context => KeyVaultClientConfiguration.Write(
                vault.Resource, builder.Resource.Name, context.EnvironmentVariables, (vaultObject?.Resource as KeyVaultSecretResource)?.Name))
            .WithRelationship(vault.Resource, $"KeyVault {role}")
            .WaitFor(vault);
    }
}
