using System.Security.Cryptography.X509Certificates;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Azure.Security.KeyVault.Certificates;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using SecureFlow.ServiceDefaults.Identity;
using SecureFlow.ServiceDefaults.KeyVault;

namespace SecureFlow.AppHost.KeyVault;

/// <summary>
/// Run mode: puts the model's certificates (issued by the development CA, with the roots they chain to) and secrets
/// into the vault through the Azure SDK, with the deployment's own identity, as the Azure deployment will. It is the
/// vault's "provisioned" health check, so resources that wait for the vault start once their objects are there; and
/// the dashboard command that rotates the certificates.
/// </summary>
internal sealed partial class KeyVaultProvisioner(KeyVaultResource vault, IDistributedApplicationBuilder builder, IHealthCheck emulator) : IHealthCheck, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ResourceNotificationService? _notifications;
    private ILogger? _logger;
    private bool _provisioned;

    /// <summary>The health check registration's factory: the provisioner, with the app's singletons (the provider itself is scoped).</summary>
    public IHealthCheck Attach(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _notifications ??= services.GetRequiredService<ResourceNotificationService>();
        _logger ??= services.GetRequiredService<ILogger<KeyVaultProvisioner>>();
        return this;
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (_provisioned)
        {
            return HealthCheckResult.Healthy("Provisioned.");
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_provisioned)
            {
                // Until the emulator answers, provisioning would only fail (after the SDK's retries): wait for its first answer.
                var answers = await emulator.CheckHealthAsync(context, cancellationToken).ConfigureAwait(false);
                if (answers.Status != HealthStatus.Healthy)
                {
                    return HealthCheckResult.Unhealthy($"The vault emulator does not answer yet: {answers.Description}");
                }

                await ProvisionAsync(cancellationToken).ConfigureAwait(false);
                _provisioned = true;
            }

            return HealthCheckResult.Healthy("Provisioned.");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Typically the emulator still starting: the next health probe tries again.
            return HealthCheckResult.Unhealthy($"Provisioning the vault has not succeeded yet: {exception.GetType().Name}: {exception.Message}");
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The dashboard command: a new version of every certificate, issued by the development CA and imported.</summary>
    public async Task<ExecuteCommandResult> RotateAsync(ExecuteCommandContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Attach(context.Services);
        await _gate.WaitAsync(context.CancellationToken).ConfigureAwait(false);
        try
        {
            using var authority = CertificateResourceExtensions.OpenAuthority(builder);
            var certificates = Clients().CreateCertificateClient();
            foreach (var certificate in vault.Certificates)
            {
                using var issued = authority.IssueServerCertificate(certificate.DnsNames, certificate.SpiffeId);
                await ImportAsync(certificates, certificate, issued, context.CancellationToken).ConfigureAwait(false);
            }

            return CommandResults.Success($"Imported a new version of {string.Join(", ", vault.Certificates.Select(certificate => certificate.Name))}.");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return CommandResults.Failure($"Rotation failed: {exception.GetType().Name}: {exception.Message}");
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task ProvisionAsync(CancellationToken cancellationToken)
    {
        var factory = Clients();
        var certificates = factory.CreateCertificateClient();
        var secrets = factory.CreateSecretClient();
        foreach (var certificate in vault.Certificates)
        {
            var files = certificate.RequireFiles();
            using var issued = X509Certificate2.CreateFromPemFile(files.CertificatePath, files.KeyPath);
            await ImportAsync(certificates, certificate, issued, cancellationToken).ConfigureAwait(false);

            // Application Gateway's trustedRootCertificates come from Key Vault too: the root a hop's clients trust.
            var root = new KeyVaultSecret(certificate.TrustRootSecretName, await File.ReadAllTextAsync(files.IssuerCertificatePath, cancellationToken).ConfigureAwait(false));
            root.Properties.ContentType = "application/x-pem-file";
            await secrets.SetSecretAsync(root, cancellationToken).ConfigureAwait(false);
        }

        foreach (var secret in vault.Secrets)
        {
            var value = await secret.Value.GetValueAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Parameter '{secret.Value.Name}' of secret '{secret.Name}' has no value.");
            var stored = (await secrets.SetSecretAsync(secret.Name, value, cancellationToken).ConfigureAwait(false)).Value;
            await Notifications.PublishUpdateAsync(secret, state => state with
            {
                State = new ResourceStateSnapshot("In vault", KnownResourceStateStyles.Success),
                Properties = [new("version", stored.Properties.Version), new("updated", stored.Properties.UpdatedOn?.ToString("u", System.Globalization.CultureInfo.InvariantCulture))],
            }).ConfigureAwait(false);
        }

        LogProvisioned(Logger, vault.Name, vault.Certificates.Count, vault.Secrets.Count);
    }

    private async Task ImportAsync(CertificateClient client, CertificateResource certificate, X509Certificate2 issued, CancellationToken cancellationToken)
    {
        var imported = (await client.ImportCertificateAsync(
            new ImportCertificateOptions(certificate.Name, issued.Export(X509ContentType.Pkcs12)), cancellationToken).ConfigureAwait(false)).Value;
        await Notifications.PublishUpdateAsync(certificate, state => state with
        {
            State = new ResourceStateSnapshot("In vault", KnownResourceStateStyles.Success),
            Properties =
            [
                .. state.Properties.Where(property => property.Name is not ("version" or "thumbprint" or "not-after" or "subject")),
                new("subject", issued.Subject),
                new("version", imported.Properties.Version),
                new("thumbprint", issued.Thumbprint),
                new("not-after", issued.NotAfter.ToUniversalTime().ToString("u", System.Globalization.CultureInfo.InvariantCulture)),
            ],
        }).ConfigureAwait(false);
    }

    private KeyVaultClientFactory Clients()
    {
        var endpoint = vault.HttpsEndpoint;
        var root = X509CertificateLoader.LoadCertificateFromFile(KeyVaultClientConfiguration.RequireTlsCertificate(vault).RequireFiles().IssuerCertificatePath);
        var credential = new LocalServiceCredential(KeyVaultResource.ProvisioningIdentity, vault.IdentityKey(KeyVaultResource.ProvisioningIdentity));
        return new KeyVaultClientFactory(new Uri($"https://localhost:{endpoint.Port}/"), credential, root);
    }

    private ResourceNotificationService Notifications => _notifications ?? throw new InvalidOperationException("The provisioner runs inside the app.");

    private ILogger Logger => _logger ?? throw new InvalidOperationException("The provisioner runs inside the app.");

    [LoggerMessage(Level = LogLevel.Information, Message = "Vault {Vault} provisioned: {Certificates} certificates and {Secrets} secrets")]
    private static partial void LogProvisioned(ILogger logger, string vault, int certificates, int secrets);
}
