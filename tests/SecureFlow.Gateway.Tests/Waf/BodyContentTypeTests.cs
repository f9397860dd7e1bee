using SecureFlow.Gateway.Tests.Infrastructure;

namespace SecureFlow.Gateway.Tests.Waf;

/// <summary>
/// Every body a backend could parse as structured data is parsed by the engine or refused, whatever its media type says:
/// ASP.NET Core binds JSON from <c>application/json</c> and any <c>+json</c> type, and the CRS allows CloudEvents, so a
/// JSON body the engine did not parse would carry an injection past it.
/// </summary>
public sealed class BodyContentTypeTests
{
    private const string JsonInjection = """{"order":{"id":"1' OR '1'='1"}}""";
    private const string OrdinaryJson = """{"order":{"id":"A-1042","note":"deliver before noon"}}""";

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/cloudevents+json")]
    [InlineData("application/cloudevents+json; charset=utf-8")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json;charset=UTF-8")]
    [InlineData("application/json ; charset=utf-8")]
    [InlineData("APPLICATION/JSON")]
    [InlineData("Application/CloudEvents+JSON")]
    [InlineData("application / json")]
    [InlineData("application/vnd.api+json")]
    [InlineData("application/problem+json")]
    [InlineData("text/json")]
    public async Task InjectionInAJsonBodyIsBlockedWhateverJsonMediaTypeItCarries(string contentType)
    {
        await using var backend = await EchoBackend.StartAsync();
        await using var gateway = await StartAsync(backend, disabledRuleIds: []);

        var (status, _) = await gateway.SendAsync("POST /api/orders HTTP/1.1\r\n", contentType, JsonInjection);

        Assert.Equal(403, status);
        Assert.Equal(0, backend.Requests);
        Assert.True(gateway.Total("secureflow.gateway.waf.rule_matches", ("waf.rule.id", "942100")) == 1, $"{contentType}: the engine did not read the JSON's values.");
    }

    [Theory]
    [InlineData("application/cloudevents+json", OrdinaryJson)]
    [InlineData("application/cloudevents-batch+json", "[" + OrdinaryJson + "]")]
    [InlineData("application/json; charset=utf-8", OrdinaryJson)]
    [InlineData("text/xml", "<order><id>A-1042</id></order>")]
    [InlineData("application/soap+xml; charset=utf-8", "<Envelope><Body><id>A-1042</id></Body></Envelope>")]
    public async Task OrdinaryBodyOfATypeTheCrsAllowsReachesTheBackend(string contentType, string body)
    {
        await using var backend = await EchoBackend.StartAsync();
        await using var gateway = await StartAsync(backend, disabledRuleIds: []);

        var (status, response) = await gateway.SendAsync("POST /api/orders HTTP/1.1\r\n", contentType, body);

        Assert.Equal(200, status);
        Assert.Contains(body, response, StringComparison.Ordinal);
        Assert.Equal(1, backend.Requests);
    }

    [Theory]
    [InlineData("text/xml", "<order><id>1' OR '1'='1</id></order>")]
    [InlineData("application/xml", "<order><comment>&lt;script&gt;alert(document.cookie)&lt;/script&gt;</comment></order>")]
    [InlineData("application/soap+xml", "<Envelope><Body><cmd>; cat /etc/passwd</cmd></Body></Envelope>")]
    public Task InjectionInAnXmlBodyIsBlocked(string contentType, string body) => AssertRefusedAsync(contentType, body, 403);

    [Fact]
    public Task XmlBodyTheEngineCannotParseGets400() => AssertRefusedAsync("application/xml", "<order><id>1' OR '1'='1</order>", 400);

    [Fact]
    public Task RequestWithTwoContentTypesGets400() => AssertRefusedAsync("application/json", OrdinaryJson, 400, extraHeaders: "Content-Type: text/plain\r\n");

    /// <summary>
    /// With the CRS's content-type policy (920420) and its Content-Encoding rule (920450) switched off in the model, a
    /// body the engine parses into nothing is still never forwarded.
    /// </summary>
    [Theory]
    [InlineData("text/plain", JsonInjection)]
    [InlineData("application/octet-stream", JsonInjection)]
    [InlineData("multipart/related; boundary=b", "--b\r\nContent-Type: application/json\r\n\r\n" + JsonInjection + "\r\n--b--\r\n")]
    [InlineData(null, JsonInjection)]
    public Task BodyTheEngineDoesNotParseGets415EvenWhenTheCrsPolicyAllowsItsType(string? contentType, string body) =>
        AssertRefusedAsync(contentType, body, 415, disabledRuleIds: [920420, 920450]);

    [Fact]
    public Task CompressedBodyGets415EvenWhenTheCrsPolicyAllowsIt() => AssertRefusedAsync(
        "application/x-www-form-urlencoded", "x=\u001f\u008b", 415, [920420, 920450], "Content-Encoding: gzip\r\n");

    [Theory]
    [InlineData("text/plain", JsonInjection)]
    [InlineData("application/octet-stream", "\u0001\u0002")]
    [InlineData("application/x-amf", "\u0000\u0003")]
    [InlineData("application/csp-report", """{"csp-report":{"document-uri":"https://delta.secureflow.localhost/"}}""")]
    [InlineData("application/xss-auditor-report", "{}")]
    [InlineData("application/gzip", "x")]
    public Task BodyOfATypeOutsideTheCrsPolicyIsBlocked(string contentType, string body) => AssertRefusedAsync(contentType, body, 403);

    [Theory]
    [InlineData(null)]
    [InlineData("text/xml")]
    [InlineData("application/soap+xml; charset=utf-8")]
    [InlineData("application/json")]
    public async Task EmptyBodyReachesTheBackend(string? contentType)
    {
        await using var backend = await EchoBackend.StartAsync();
        await using var gateway = await StartAsync(backend, disabledRuleIds: []);

        var (status, _) = await gateway.SendAsync("POST /api/orders HTTP/1.1\r\n", contentType, body: "");

        Assert.Equal(200, status);
        Assert.Equal(1, backend.Requests);
    }

    /// <summary>The body is answered with <paramref name="status"/> by the edge and never reaches the backend.</summary>
    private static async Task AssertRefusedAsync(string? contentType, string body, int status, int[]? disabledRuleIds = null, string extraHeaders = "")
    {
        await using var backend = await EchoBackend.StartAsync();
        await using var gateway = await StartAsync(backend, disabledRuleIds ?? []);

        var (answered, _) = await gateway.SendAsync("POST /api/orders HTTP/1.1\r\n" + extraHeaders, contentType, body);

        Assert.Equal(status, answered);
        Assert.Equal(0, backend.Requests);
    }

    private static Task<InProcessGateway> StartAsync(EchoBackend backend, int[] disabledRuleIds) => InProcessGateway.StartAsync(_ =>
    {
        var configuration = backend.Route();
        configuration["Waf:Mode"] = "Prevention";
        for (var i = 0; i < disabledRuleIds.Length; i++)
        {
            configuration[$"Waf:DisabledRuleIds:{i}"] = disabledRuleIds[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return configuration;
    });
}
