using System.Text.Json.Nodes;
using SecureFlow.KeyVaultEmulator.Authorization;
using SecureFlow.KeyVaultEmulator.Certificates;
using SecureFlow.KeyVaultEmulator.Keys;
using SecureFlow.KeyVaultEmulator.Storage;

namespace SecureFlow.KeyVaultEmulator.Apis;

/// <summary>
/// Key Vault's certificates: import (PFX or PEM), create with the <c>Self</c> issuer, or with the <c>Unknown</c> issuer
/// (a pending certificate with a signing request, completed by a merge of what an outside issuer signed), get (latest or
/// a version), list, list versions, get the policy. Each version's private key is the backing secret (<c>sid</c>) of the
/// same version.
/// </summary>
public static class CertificatesApi
{
    /// <summary>Key Vault's issuer name for a certificate an outside issuer signs (create, then merge).</summary>
    public const string UnknownIssuer = "Unknown";

    public static IEndpointRouteBuilder MapCertificatesApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);

        app.MapPost("/certificates/{name}/import", ImportAsync).WithName("ImportCertificate");
        app.MapPost("/certificates/{name}/create", CreateAsync).WithName("CreateCertificate");
        app.MapGet("/certificates", List).WithName("GetCertificates");
        app.MapGet("/certificates/{name}/versions", ListVersions).WithName("GetCertificateVersions");
        app.MapGet("/certificates/{name}/policy", GetPolicy).WithName("GetCertificatePolicy");
        app.MapGet("/certificates/{name}/pending", GetOperation).WithName("GetCertificateOperation");
        app.MapPost("/certificates/{name}/pending/merge", MergeAsync).WithName("MergeCertificate");
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
        if (string.Equals(issuer, UnknownIssuer, StringComparison.OrdinalIgnoreCase))
        {
            return CreatePending(context, name, body, policy, store);
        }

        if (!string.Equals(issuer, "Self", StringComparison.OrdinalIgnoreCase))
        {
            return KeyVaultError.BadParameter($"Issuer '{issuer}' is not supported by the local vault: use 'Self' or 'Unknown' (or import a certificate).");
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

    /// <summary>
    /// A pending certificate (issuer Unknown) is in progress, with its signing request, until a merge; creation with the
    /// Self issuer completes at once.
    /// </summary>
    private static IResult GetOperation(HttpContext context, string name, VaultStore store)
    {
        if (VaultAccess.Refuse(context, VaultAction.ReadCertificate, name) is { } refused)
        {
            return refused;
        }

        var uris = new VaultUris(context.Request);
        var operation = store.Read(contents =>
            contents.PendingCertificates.TryGetValue(name, out var pending) ? PendingOperation(uris, name, pending)
            : contents.Certificates.ContainsKey(name) ? Operation(uris, name, csr: null)
            : null);
        return operation is not null
            ? VaultJson.Ok(operation)
            : KeyVaultError.Create(StatusCodes.Status404NotFound, "PendingCertificateNotFound", $"Pending certificate not found: {name}");
    }

    /// <summary>
    /// Issuer Unknown: the vault makes the key pair (it never leaves the vault but in the certificate's backing secret, as
    /// for any certificate) and publishes a signing request; the certificate exists once a merge brings it back signed.
    /// A new request replaces a pending one that was never merged.
    /// </summary>
    private static IResult CreatePending(HttpContext context, string name, JsonObject body, JsonObject policy, VaultStore store)
    {
        CertificateMaterial.ContentType(policy);
        var keyProperties = JsonBody.OptionalObject(policy, "key_props");
        var kty = (keyProperties is null ? null : JsonBody.Optional<string>(keyProperties, "kty")) ?? VaultKeyMaterial.Rsa;
        var privateKey = VaultKeyMaterial.Generate(kty switch { "RSA" or "RSA-HSM" => VaultKeyMaterial.Rsa, "EC" or "EC-HSM" => VaultKeyMaterial.Ec, _ => kty },
            keyProperties is null ? null : JsonBody.Optional<int?>(keyProperties, "key_size"),
            keyProperties is null ? null : JsonBody.Optional<string>(keyProperties, "crv"));
        string csr;
        using (var key = VaultKeyMaterial.Load(privateKey))
        {
            csr = CertificateMaterial.PendingSigningRequest(policy, key);
        }

        var stored = policy.DeepClone().AsObject();
        stored["issuer"] = new JsonObject { ["name"] = UnknownIssuer };
        var pending = new PendingCertificate(stored.ToJsonString(), privateKey, csr, Guid.NewGuid().ToString("N"), JsonBody.Tags(body));
        var created = store.Write(contents =>
        {
            if ((!contents.Certificates.ContainsKey(name) && contents.Secrets.ContainsKey(name)) || contents.Keys.ContainsKey(name))
            {
                return false;
            }

            contents.PendingCertificates[name] = pending;
            return true;
        });
        return created
            ? VaultJson.Ok(PendingOperation(new VaultUris(context.Request), name, pending), StatusCodes.Status202Accepted)
            : NameTakenBySecret(name);
    }

    /// <summary>
    /// Completes a pending certificate with <c>x5c</c> (the signed certificate, then its issuers): a new version whose
    /// backing secret holds the pending key and the whole chain. A certificate for another key is refused, nothing changes.
    /// </summary>
    private static async Task<IResult> MergeAsync(HttpContext context, string name, VaultStore store)
    {
        var (body, error) = await JsonBody.ReadAuthorizedAsync(context, VaultAction.WriteCertificate, name);
        if (body is null)
        {
            return error!;
        }

        if (!body.TryGetPropertyValue("x5c", out var node) || node is not JsonArray x5c || !x5c.All(item => item is JsonValue value && value.TryGetValue<string>(out _)))
        {
            throw new BadInputException("'x5c' is required: an array of base64 DER certificates, the signed one first.");
        }

        var pending = store.Read(contents => contents.PendingCertificates.GetValueOrDefault(name));
        if (pending is null)
        {
            return KeyVaultError.Create(StatusCodes.Status404NotFound, "PendingCertificateNotFound", $"Pending certificate not found: {name}");
        }

        CertificateMaterial material;
        using (var key = VaultKeyMaterial.Load(pending.PrivateKey))
        {
            try
            {
                material = CertificateMaterial.Merge([.. x5c.Select(item => item!.GetValue<string>())], key);
            }
            catch (MergeMismatchException mismatch)
            {
                return KeyVaultError.BadParameter(mismatch.Message);
            }
        }

        using (material)
        {
            var policy = material.Policy(JsonNode.Parse(pending.PolicyJson)!.AsObject(), issuer: UnknownIssuer);
            if (JsonBody.Tags(body) is { Count: 0 })
            {
                body["tags"] = new JsonObject([.. pending.Tags.Select(tag => KeyValuePair.Create<string, JsonNode?>(tag.Key, tag.Value))]);
            }

            var certificate = AddVersion(name, body, material, policy, store, completes: pending);
            return certificate is null
                ? KeyVaultError.Conflict($"The pending certificate {name} was replaced or merged while this merge ran: create it again.")
                : VaultJson.Ok(VaultJson.Certificate(new VaultUris(context.Request), name, certificate, policy.ToJsonString()), StatusCodes.Status201Created);
        }
    }

    private static JsonObject PendingOperation(VaultUris uris, string name, PendingCertificate pending) => new()
    {
        ["id"] = uris.PendingOperation(name),
        ["issuer"] = new JsonObject { ["name"] = UnknownIssuer },
        ["csr"] = pending.Csr,
        ["cancellation_requested"] = false,
        ["status"] = "inProgress",
        ["status_details"] = "Pending certificate created. Please Perform Merge to complete the request.",
        ["request_id"] = pending.RequestId,
    };

    /// <summary>
    /// Adds a certificate version and its backing secret version; null if a plain secret already has the name, or if the
    /// pending certificate a merge <paramref name="completes"/> is no longer the one pending.
    /// </summary>
    private static CertificateVersion? AddVersion(string name, JsonObject body, CertificateMaterial material, JsonObject policy, VaultStore store, PendingCertificate? completes = null)
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

            if (completes is not null)
            {
                if (!contents.PendingCertificates.TryGetValue(name, out var current) || current != completes)
                {
                    return null;
                }

                contents.PendingCertificates.Remove(name);
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
