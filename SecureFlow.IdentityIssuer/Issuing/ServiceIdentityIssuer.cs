using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure;
using Azure.Security.KeyVault.Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SecureFlow.Contracts.IdentityIssuer;
using SecureFlow.IdentityIssuer.Vault;

namespace SecureFlow.IdentityIssuer.Issuing;

/// <summary>
/// Keeps every service identity of the model current in Key Vault: a missing identity, one with fewer than
/// <see cref="IdentityIssuerOptions.RenewBeforeDays"/> days left, one from another root or with other names is issued
/// again (a new version with a new key, made by the vault); every other is left as it is. The vault makes each key pair
/// and a signing request (issuer <c>Unknown</c>), this builds the certificate, the vault's root key signs it, and the
/// merge completes the version with the chain (leaf, root): the PEM secret the services read holds key, leaf and root.
/// </summary>
internal sealed partial class ServiceIdentityIssuer(
    VaultKeyClient keys, CertificateClient certificates, IOptions<IdentityIssuerOptions> options, TimeProvider time, ILogger<ServiceIdentityIssuer> logger)
{
    private const int RootKeySize = 3072;

    public async Task<IReadOnlyList<IssuanceOutcome>> RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var key = await RootKeyAsync(settings.RootKeyName, cancellationToken).ConfigureAwait(false);
        var generator = new VaultKeySignatureGenerator(keys, key);
        using var root = Vault(() => MeshCertificates.Root(generator, key, settings),
            $"sign with the root key '{settings.RootKeyName}'", $"Key Vault Crypto User on the key '{settings.RootKeyName}'");
        RequireChain(root, root, "the root");

        var outcomes = new List<IssuanceOutcome>();
        foreach (var identity in settings.Identities)
        {
            var now = time.GetUtcNow();
            var reason = await RenewalReasonAsync(identity, root, settings, now, cancellationToken).ConfigureAwait(false);
            if (reason.Renew)
            {
                await IssueAsync(identity, generator, root, settings, now, cancellationToken).ConfigureAwait(false);
                LogIssued(logger, identity.CertificateName, identity.SpiffeId, reason.Text);
            }
            else
            {
                LogCurrent(logger, identity.CertificateName, reason.Text);
            }

            outcomes.Add(new IssuanceOutcome(identity.CertificateName, reason.Renew, reason.Text));
        }

        return outcomes;
    }

    private async Task<VaultKey> RootKeyAsync(string name, CancellationToken cancellationToken)
    {
        var key = await VaultAsync(() => keys.GetKeyAsync(name, cancellationToken), $"read the root key '{name}'", $"Key Vault Crypto User on the key '{name}'")
            .ConfigureAwait(false);
        if (key is not null)
        {
            return key;
        }

        // The first run (locally; in Azure the deployment declares the key): the vault makes it, non-exportable.
        key = await VaultAsync(() => keys.CreateRsaKeyAsync(name, RootKeySize, cancellationToken), $"create the root key '{name}'",
            $"Key Vault Crypto Officer, or create the key '{name}' first (RSA, non-exportable, sign)").ConfigureAwait(false);
        LogRootKeyCreated(logger, name, key.Id);
        return key;
    }

    private async Task<(bool Renew, string Text)> RenewalReasonAsync(IssuedIdentityOptions identity, X509Certificate2 root, IdentityIssuerOptions settings, DateTimeOffset now, CancellationToken cancellationToken)
    {
        KeyVaultCertificateWithPolicy current;
        try
        {
            current = (await certificates.GetCertificateAsync(identity.CertificateName, cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return (true, "not in the vault");
        }
        catch (RequestFailedException exception) when (exception.Status == 403)
        {
            throw Refused(exception, $"read the certificate '{identity.CertificateName}'", $"Key Vault Certificates Officer on '{identity.CertificateName}'");
        }

        using var certificate = X509CertificateLoader.LoadCertificate(current.Cer);
        var expires = new DateTimeOffset(certificate.NotAfter.ToUniversalTime());
        return expires - now < TimeSpan.FromDays(settings.RenewBeforeDays) ? (true, $"expires {expires:u}, fewer than {settings.RenewBeforeDays} days left")
            : !MeshCertificates.IsIssuedBy(certificate, root) ? (true, "issued by another root")
            : !MeshCertificates.Names(certificate, identity) ? (true, "names differ from the model's")
            : (false, $"current until {expires:u}");
    }

    private async Task IssueAsync(IssuedIdentityOptions identity, VaultKeySignatureGenerator generator, X509Certificate2 root, IdentityIssuerOptions settings, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var names = new SubjectAlternativeNames();
        identity.DnsNames.ForEach(names.DnsNames.Add);
        var policy = new CertificatePolicy(WellKnownIssuerNames.Unknown, $"CN={identity.DnsNames[0]}, O={MeshCertificates.Organization}", names)
        {
            KeyType = CertificateKeyType.Rsa,
            KeySize = 2048,
            Exportable = true,
            ReuseKey = false,
            ContentType = CertificateContentType.Pem,
            ValidityInMonths = Math.Max(1, settings.ValidityDays / 30),
        };
        policy.EnhancedKeyUsage.Add("1.3.6.1.5.5.7.3.1");
        policy.EnhancedKeyUsage.Add("1.3.6.1.5.5.7.3.2");

        var whatCertificates = $"Key Vault Certificates Officer on '{identity.CertificateName}'";
        var operation = await VaultAsync(() => certificates.StartCreateCertificateAsync(identity.CertificateName, policy, cancellationToken: cancellationToken),
            $"create a version of '{identity.CertificateName}'", whatCertificates).ConfigureAwait(false);
        var request = operation.Properties.Csr ?? throw new IdentityIssuerException($"Key Vault returned no signing request for '{identity.CertificateName}'.");
        using var leaf = Vault(() => MeshCertificates.Identity(generator, root, request, identity, settings, now),
            $"sign '{identity.CertificateName}' with the root key '{settings.RootKeyName}'", $"Key Vault Crypto User on the key '{settings.RootKeyName}'");
        RequireChain(leaf, root, identity.CertificateName);
        await VaultAsync(() => certificates.MergeCertificateAsync(new MergeCertificateOptions(identity.CertificateName, [leaf.RawData, root.RawData]), cancellationToken),
            $"merge '{identity.CertificateName}'", whatCertificates).ConfigureAwait(false);
    }

    /// <summary>
    /// Fail closed: what the vault signed must verify against the root (signature, issuer, constraints), or nothing is
    /// merged. Validity times are the issuer's own choice, so they are not what this checks.
    /// </summary>
    private static void RequireChain(X509Certificate2 certificate, X509Certificate2 root, string what)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
        if (!chain.Build(certificate))
        {
            throw new IdentityIssuerException(
                $"The certificate for {what} does not verify against the root ({string.Join("; ", chain.ChainStatus.Select(status => status.StatusInformation.Trim()))}): nothing was merged.");
        }
    }

    private static async Task<T> VaultAsync<T>(Func<Task<T>> call, string what, string grant)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (RequestFailedException exception) when (exception.Status is 401 or 403)
        {
            throw Refused(exception, what, grant);
        }
    }

    private static T Vault<T>(Func<T> call, string what, string grant)
    {
        try
        {
            return call();
        }
        catch (RequestFailedException exception) when (exception.Status is 401 or 403)
        {
            throw Refused(exception, what, grant);
        }
        catch (CryptographicException exception)
        {
            throw new IdentityIssuerException($"Could not {what}: {exception.Message}", exception);
        }
    }

    private static IdentityIssuerException Refused(RequestFailedException exception, string what, string grant) =>
        new($"The issuer's identity may not {what}: Key Vault answered {exception.Status} {exception.ErrorCode}. Grant it {grant}; nothing further was written.", exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Certificate}: issued ({SpiffeId}): {Reason}")]
    private static partial void LogIssued(ILogger logger, string certificate, string spiffeId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Certificate}: {Reason}, left as it is")]
    private static partial void LogCurrent(ILogger logger, string certificate, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Created the root key {Name} ({KeyId}) in the vault, non-exportable: trust the root built from it")]
    private static partial void LogRootKeyCreated(ILogger logger, string name, Uri keyId);
}
