using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using SecureFlow.KeyVaultEmulator.Apis;
using SecureFlow.KeyVaultEmulator.Authentication;
using SecureFlow.KeyVaultEmulator.Authorization;
using SecureFlow.KeyVaultEmulator.Storage;
using SecureFlow.Contracts;
using SecureFlow.Contracts.Management;

namespace SecureFlow.KeyVaultEmulator.Extensions;

/// <summary>Composes the local Key Vault: HTTPS only, challenge authentication, RBAC from the model, persisted contents.</summary>
public static partial class KeyVaultEmulatorExtensions
{
    public static WebApplicationBuilder AddKeyVaultEmulator(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.AddServiceOptions<KeyVaultEmulatorOptions, KeyVaultEmulatorOptionsValidator>();
        builder.Services.AddSingleton<VaultStore>();
        builder.Services.AddSingleton(provider => new RoleBasedAccess(provider.GetRequiredService<IOptions<KeyVaultEmulatorOptions>>().Value.RoleAssignments));

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = JsonBody.MaxBytes;
            // Validated options: a vault without a port or certificate stops at start, with the reason.
            var vault = kestrel.ApplicationServices.GetRequiredService<IOptions<KeyVaultEmulatorOptions>>().Value;

            // Key Vault is HTTPS only: the API listener has no plain HTTP, so a plain request never gets an answer.
            var certificate = LoadCertificate(vault.Https);
            kestrel.ListenLocalhost(vault.Https.Port, listen => listen.UseHttps(https =>
            {
                https.ServerCertificate = certificate;
                https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
            }));

            // Health probes use a plain loopback listener that serves nothing but health endpoints.
            if (kestrel.ApplicationServices.GetRequiredService<IOptions<ManagementOptions>>().Value.Port is { } managementPort)
            {
                kestrel.ListenLocalhost(managementPort, listen => listen.Protocols = HttpProtocols.Http1);
            }
        });

        return builder;
    }

    public static WebApplication MapKeyVaultEmulator(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // Resolved now so that an unreadable data file stops the vault at start, with the reason.
        app.Services.GetRequiredService<VaultStore>();
        var vault = app.Services.GetRequiredService<IOptions<KeyVaultEmulatorOptions>>().Value;
        LogStarted(app.Logger, vault.Https.Port, vault.DataDirectory, vault.Identities.Keys, vault.RoleAssignments.Count);

        // The plain management listener answers health checks (mapped before this) and nothing else: a bearer token
        // must never cross it in clear text, and Key Vault has no plain HTTP API.
        app.Use((context, next) => context.Request.IsHttps ? next(context) : Results.NotFound().ExecuteAsync(context));
        app.UseMiddleware<KeyVaultProtocolMiddleware>();
        app.UseMiddleware<ChallengeAuthenticationMiddleware>();
        app.MapSecretsApi();
        app.MapCertificatesApi();
        app.MapKeysApi();
        return app;
    }

    private static X509Certificate2 LoadCertificate(KeyVaultEmulatorListenerOptions https)
    {
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(https.CertificatePath, https.KeyPath);

            // A PKCS#12 round trip gives the key a form every platform's TLS stack accepts.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
        }
        catch (Exception exception) when (exception is IOException or System.Security.Cryptography.CryptographicException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"The vault's TLS certificate could not be loaded from '{https.CertificatePath}' and '{https.KeyPath}': {exception.Message}", exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Key Vault emulator listens for HTTPS on port {Port}; data in {DataDirectory}; identities {Identities}; {Assignments} role assignments")]
    private static partial void LogStarted(ILogger logger, int port, string dataDirectory, IEnumerable<string> identities, int assignments);
}
