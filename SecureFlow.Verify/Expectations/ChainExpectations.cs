using System.Text.Json;
using System.Text.Json.Serialization;

namespace SecureFlow.Verify.Expectations;

/// <summary>
/// What a client of the chain must see, as the model states it: written by the publish step to <c>docs/controls.json</c>
/// (beside <c>docs/controls.md</c>, from the same model objects) and built from the running model for the dashboard's
/// command. The tool holds no second copy of any of it.
/// </summary>
/// <param name="PublicHost">The edge's public host name in the model (locally; in Azure the host of the URL probed).</param>
/// <param name="Tls">The edge's TLS policy.</param>
/// <param name="HstsMaxAgeSeconds">The max-age of the edge's <c>Strict-Transport-Security</c> header, or null for none.</param>
/// <param name="Http2">Whether the edge speaks HTTP/2 to clients (ALPN <c>h2</c>).</param>
/// <param name="PlainHttp">What the public host's plain HTTP port does.</param>
/// <param name="MisdirectedStatus">The status the edge answers a request whose Host is not its SNI name.</param>
/// <param name="Waf">The edge's WAF.</param>
/// <param name="FlowPath">The workload's flow report, which shows the hops and the headers that reached it.</param>
/// <param name="Hops">The hops the flow report lists, in order, per profile.</param>
public sealed record ChainExpectations(
    string PublicHost,
    TlsExpectations Tls,
    int? HstsMaxAgeSeconds,
    bool Http2,
    PlainHttpBehaviour PlainHttp,
    int MisdirectedStatus,
    WafExpectations Waf,
    string FlowPath,
    ExpectedHops Hops)
{
    /// <summary>The resource the tool carries: <c>docs/controls.json</c> of the commit it was built from.</summary>
    public const string ResourceName = "SecureFlow.Verify.controls.json";

    public static JsonSerializerOptions SerializerOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public string ToJson() => JsonSerializer.Serialize(this, SerializerOptions).ReplaceLineEndings("\n") + "\n";

    /// <summary>Reads a document; a malformed one or one with unknown fields is refused with the file's name.</summary>
    public static ChainExpectations Parse(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<ChainExpectations>(json, SerializerOptions)
                ?? throw new InvalidDataException($"{source} holds no expectations.");
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"{source} is not a SecureFlow expectations document: {exception.Message}", exception);
        }
    }

    /// <summary>The expectations the tool was built with.</summary>
    public static ChainExpectations Embedded()
    {
        using var stream = typeof(ChainExpectations).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The tool was built without {ResourceName}: publish the model first.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), "docs/controls.json (built in)");
    }
}
