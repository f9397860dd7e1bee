using System.Collections.Immutable;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SecureFlow.AppHost.Certificates;

namespace Aspire.Hosting;

public static class CertificateResourceExtensions
{
    /// <summary>The configuration key that moves the development CA (default: <see cref="DevelopmentCertificateAuthority.DefaultDirectory"/>).</summary>
    public const string CertificateAuthorityDirectoryKey = "SecureFlow:DevelopmentCA:Directory";

    /// <summary>
    /// Run mode on Linux: trusts the ASP.NET Core developer certificate for this user if it is not yet and puts its
    /// folder on <c>SSL_CERT_DIR</c> for the AppHost and everything it starts, as <c>aspire run</c> does, so that the
    /// dashboard reaches the AppHost's resource service when started with F5 or <c>dotnet run</c> too. Call it first.
    /// </summary>
    public static IDistributedApplicationBuilder TrustDeveloperCertificate(this IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.ExecutionContext.IsRunMode && DeveloperCertificateTrust.Ensure() is { } log)
        {
            builder.Eventing.Subscribe<BeforeStartEvent>((startEvent, _) =>
            {
                log(startEvent.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DeveloperCertificateTrust)));
                return Task.CompletedTask;
            });
        }

        return builder;
    }

    /// <summary>
    /// Adds a TLS server certificate for <paramref name="dnsNames"/> that the development CA issues when the app starts
    /// in run mode. The model's certificates are a vault's (<c>vault.AddCertificate</c>); this is the shared part.
    /// </summary>
    internal static IResourceBuilder<CertificateResource> AddIssuedCertificate(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, params string[] dnsNames)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dnsNames);
        if (dnsNames.Length == 0 || dnsNames.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException($"Certificate '{name}' needs at least one DNS name, and no empty one.", nameof(dnsNames));
        }

        if (builder.ExecutionContext.IsRunMode && !builder.Resources.OfType<CertificateResource>().Any())
        {
            builder.Eventing.Subscribe<BeforeStartEvent>((startEvent, cancellationToken) => IssueAllAsync(builder, startEvent));
        }

        return builder.AddResource(new CertificateResource(name, dnsNames))
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "Certificate",
                State = new ResourceStateSnapshot("Pending", KnownResourceStateStyles.Info),
                Properties = [new("dns-names", string.Join(", ", dnsNames))],
            })
            .ExcludeFromManifest();
    }

    /// <summary>The development CA this AppHost issues with (created on first run, kept per user).</summary>
    internal static DevelopmentCertificateAuthority OpenAuthority(IDistributedApplicationBuilder builder, ILogger? logger = null) =>
        DevelopmentCertificateAuthority.LoadOrCreate(builder.Configuration[CertificateAuthorityDirectoryKey] ?? DevelopmentCertificateAuthority.DefaultDirectory, logger);

    /// <summary>
    /// Run mode only: the development CA (created on first run, kept per user) issues every certificate of the
    /// model into a folder private to this run, removed when the AppHost stops.
    /// </summary>
    private static async Task IssueAllAsync(IDistributedApplicationBuilder builder, BeforeStartEvent startEvent)
    {
        using var authority = OpenAuthority(builder, startEvent.Services.GetRequiredService<ILoggerFactory>().CreateLogger<DevelopmentCertificateAuthority>());
        var runDirectory = Directory.CreateTempSubdirectory("secureflow-certificates-").FullName;
        startEvent.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>()
            .ApplicationStopped.Register(() => Directory.Delete(runDirectory, recursive: true));

        var notifications = startEvent.Services.GetRequiredService<ResourceNotificationService>();
        foreach (var certificate in startEvent.Model.Resources.OfType<CertificateResource>())
        {
            using var issued = authority.IssueServerCertificate(certificate.DnsNames, certificate.SpiffeId);
            var files = new IssuedCertificateFiles(
                Path.Combine(runDirectory, certificate.Name + ".crt"), Path.Combine(runDirectory, certificate.Name + ".key"),
                authority.RootCertificatePath);
            DevelopmentCertificateAuthority.WritePemFiles(issued, files.CertificatePath, files.KeyPath);
            certificate.Files = files;

            ImmutableArray<ResourcePropertySnapshot> properties =
            [
                new("dns-names", string.Join(", ", certificate.DnsNames)),
                new("thumbprint", issued.Thumbprint),
                new("not-after", issued.NotAfter.ToUniversalTime().ToString("u", CultureInfo.InvariantCulture)),
                new("issuer", issued.Issuer),
                new("trust-root", authority.RootCertificatePath),
            ];
            await notifications.PublishUpdateAsync(certificate, state => state with
            {
                State = new ResourceStateSnapshot("Issued", KnownResourceStateStyles.Success),
                Properties = properties,
            }).ConfigureAwait(false);
        }
    }
}
