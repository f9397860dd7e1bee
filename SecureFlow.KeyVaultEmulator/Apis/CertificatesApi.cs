using System.Text.Json.Nodes;
using SecureFlow.KeyVaultEmulator.Authorization;
using SecureFlow.KeyVaultEmulator.Certificates;
using SecureFlow.KeyVaultEmulator.Storage;

namespace SecureFlow.KeyVaultEmulator.Apis;

/// <summary>
/// Key Vault's certificates: import (PFX or PEM), create with the <c>Self</c> issuer, get (latest or a version), list,
/// list versions, get the policy. Each version's private key is the backing secret (<c>sid</c>) of the same version.
/// </summary>
public static class CertificatesApi
{
    public static IEndpointRouteBuilder MapCertificatesApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);

        app.MapPost("/certificates/{name}/import", ImportAsync).WithName("ImportCertificate");
        app.MapPost("/certificates/{name}/create", CreateAsync).WithName("CreateCertificate");
        app.MapGet("/certificates", List).WithName("GetCertificates");
        app.MapGet("/certificates/{name}/versions", ListVersions).WithName("GetCertificateVersions");
        app.MapGet("/certificates/{name}/policy", GetPolicy).WithName("GetCertificatePolicy");
        app.MapGet("/certificates/{name}/pending", GetOperation).WithName("GetCertificateOperation");
        app.MapGet("/certificates/{name}/{version?}", Get).WithName("GetCertificate");
        return app;
    }

    private static async Task<IResult> ImportAsync(HttpContext context, string name, VaultStore store)
    {
        var (body, error) = await JsonBody.ReadAuthorizedAsync(context, VaultAction.WriteCertificate, name);
        if (body is null)
        {
            return error!;
        }

        var value = JsonBody.Optional<string>(body, "value") ?? throw new BadInputException("'value' is required: the certificate as PEM or base64 PKCS#12.");
        var requestedPolicy = JsonBody.OptionalObject(body, "policy");
        using var material = CertificateMaterial.Import(value, JsonBody.Optional<string>(body, "pwd"));
        var policy = material.Policy(requestedPolicy, issuer: "Unknown");
        return AddVersion(name, body, material, policy, store) is { } certificate
            ? VaultJson.Ok(VaultJson.Certificate(new VaultUris(context.Request), name, certificate, policy.ToJsonString()))
            : NameTakenBySecret(name);
    }

    private static async Task<IResult> CreateAsync(HttpContext context, string name, VaultStore store)
    {
        var (body, error) = await JsonBody.ReadAuthorizedAsync(context, VaultAction.WriteCertificate, name);
        if (body is null)
        {
            return error!;
        }

        var policy = JsonBody.OptionalObject(body, "policy") ?? throw new BadInputException("'policy' is required.");
        var issuer = JsonBody.OptionalObject(policy, "issuer") is { } issuerObject ? JsonBody.Optional<string>(issuerObject, "name") : null;
        if (!string.Equals(issuer, "Self", StringComparison.OrdinalIgnoreCase))
        {
            return KeyVaultError.BadParameter($"Issuer '{issuer}' is not supported by the local vault: use 'Self' (or import a certificate).");
        }

        using var material = CertificateMaterial.CreateSelfSigned(policy);
        return AddVersion(name, body, material, material.Policy(policy, issuer: "Self"), store) is not null
            ? VaultJson.Ok(Operation(new VaultUris(context.Request), name, material.SigningRequest()), StatusCodes.Status202Accepted)
            : NameTakenBySecret(name);
    }

    private static IResult Get(HttpContext context, string name, string? version, VaultStore store)
    {
        if (VaultAccess.Refuse(context, VaultAction.ReadCertificate, name) is { } refused)
        {
            return refused;
        }

        var uris = new VaultUris(context.Request);
        var found = store.Read(contents => Find(contents, name, version) is var (certificate, stored)
            ? VaultJson.Certificate(uris, name, certificate, stored.PolicyJson)
            : null);
        return found is null ? KeyVaultError.CertificateNotFound(name, version) : VaultJson.Ok(found);
    }

    private static IResult List(HttpContext context, VaultStore store)
    {
        if (VaultAccess.Deny(context, VaultAction.ReadCertificate, objectName: null) is { } denied)
        {
            return denied;
        }

        var uris = new VaultUris(context.Request);
        var items = store.Read(contents => contents.Certificates
            .Select(entry => VaultJson.CertificateItem(uris, entry.Key, entry.Value.Versions[^1], withVersion: false))
            .ToList());
        return VaultJson.Ok(VaultJson.List(items));
    }

    private static IResult ListVersions(HttpContext context, string name, VaultStore store)
    {
        if (VaultAccess.Refuse(context, VaultAction.ReadCertificate, name) is { } refused)
        {
            return refused;
        }

        var uris = new VaultUris(context.Request);
        var items = store.Read(contents => contents.Certificates.TryGetValue(name, out var certificate)
            ? certificate.Versions.Select(version => VaultJson.CertificateItem(uris, name, version, withVersion: true)).ToList()
            : []);
        return VaultJson.Ok(VaultJson.List(items));
    }

    private static IResult GetPolicy(HttpContext context, string name, VaultStore store)
    {
        if (VaultAccess.Refuse(context, VaultAction.ReadCertificate, name) is { } refused)
        {
            return refused;
        }

        var policy = store.Read(contents => contents.Certificates.TryGetValue(name, out var certificate) ? certificate.PolicyJson : null);
        return policy is null ? KeyVaultError.CertificateNotFound(name, version: null) : VaultJson.Ok(VaultJson.Policy(new VaultUris(context.Request), name, policy));
    }

    /// <summary>Creation with the Self issuer completes at once: the operation is always complete.</summary>
    private static IResult GetOperation(HttpContext context, string name, VaultStore store)
    {
        if (VaultAccess.Refuse(context, VaultAction.ReadCertificate, name) is { } refused)
        {
            return refused;
        }

        var exists = store.Read(contents => contents.Certificates.ContainsKey(name));
        return exists
            ? VaultJson.Ok(Operation(new VaultUris(context.Request), name, csr: null))
            : KeyVaultError.Create(StatusCodes.Status404NotFound, "PendingCertificateNotFound", $"Pending certificate not found: {name}");
    }

    /// <summary>Adds a certificate version and its backing secret version; null if a plain secret already has the name.</summary>
    private static CertificateVersion? AddVersion(string name, JsonObject body, CertificateMaterial material, JsonObject policy, VaultStore store)
    {
        var contentType = CertificateMaterial.ContentType(policy);
        var version = VaultNames.NewVersion();
        var attributes = SecretsApi.ReadAttributes(body, VaultAttributes.CreatedNow(
            notBefore: new DateTimeOffset(material.Certificate.NotBefore.ToUniversalTime()).ToUnixTimeSeconds(),
            expires: new DateTimeOffset(material.Certificate.NotAfter.ToUniversalTime()).ToUnixTimeSeconds()));
        var tags = JsonBody.Tags(body);
        var certificate = new CertificateVersion(version, material.Cer, material.X5t, attributes, tags);
        var secret = new SecretVersion(version, material.SecretValue(contentType), contentType, attributes, tags, Managed: true);
        var policyJson = policy.ToJsonString();

        return store.Write(contents =>
        {
            if (!contents.Certificates.ContainsKey(name) && contents.Secrets.ContainsKey(name))
            {
                return null;
            }

            var versions = contents.Certificates.TryGetValue(name, out var existing) ? existing.Versions : [];
            versions.Add(certificate);
            contents.Certificates[name] = new StoredCertificate(policyJson, versions);
            SecretsApi.Versions(contents, name).Add(secret);
            return certificate;
        });
    }

    private static IResult NameTakenBySecret(string name) =>
        KeyVaultError.Conflict($"A secret named {name} exists: a certificate's backing secret would replace it. Choose another name.");

    private static JsonObject Operation(VaultUris uris, string name, string? csr)
    {
        var operation = new JsonObject
        {
            ["id"] = uris.PendingOperation(name),
            ["issuer"] = new JsonObject { ["name"] = "Self" },
            ["cancellation_requested"] = false,
            ["status"] = "completed",
            ["target"] = uris.Certificate(name),
            ["request_id"] = Guid.NewGuid().ToString("N"),
        };
        if (csr is not null)
        {
            operation["csr"] = csr;
        }

        return operation;
    }

    private static (CertificateVersion Version, StoredCertificate Certificate)? Find(VaultContents contents, string name, string? version)
    {
        if (!contents.Certificates.TryGetValue(name, out var certificate))
        {
            return null;
        }

        var found = string.IsNullOrEmpty(version)
            ? certificate.Versions[^1]
            : certificate.Versions.Find(candidate => string.Equals(candidate.Version, version, StringComparison.OrdinalIgnoreCase));
        return found is null ? null : (found, certificate);
    }
}
