using SecureFlow.Verify.Expectations;

namespace SecureFlow.AppHost.Publishing;

/// <summary>
/// <c>docs/controls.json</c>: what a client of the edge must see, for SecureFlow.Verify, written by the publish step
/// beside <c>docs/controls.md</c> from the same <see cref="PublishedApp"/> (and drift-tested like it). Run mode builds
/// the same document for the dashboard's "Verify the chain" command.
/// </summary>
internal static class ChainExpectationsDocument
{
    public const string Path = "docs/controls.json";

    public static ChainExpectations Build(PublishedApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var edge = app.Edge;
        var policy = edge.TlsPolicy;
        string[] all = ["TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"];
        var accepted = policy.MinimumProtocol == TlsProtocolVersion.Tls13 ? all[3..] : all[2..];
        var waf = edge.WafPolicy ?? new WafPolicy(WafMode.Off);

        // Application Gateway writes no hop record (its rewrite rules only drop the one a client sends): in Azure the
        // flow report starts at the ingress; locally the edge is SecureFlow.Gateway and writes its own.
        string[] pods = [.. app.Pods.Select(pod => pod.Name)];
        return new ChainExpectations(
            PublicHost: app.PublicHosts[0],
            Tls: new TlsExpectations(accepted, [.. all.Except(accepted)], [.. policy.Tls12CipherSuites], [.. policy.Tls13CipherSuites], SniRequired: true),
            HstsMaxAgeSeconds: edge.HstsMaxAge is { } maxAge ? (int)maxAge.TotalSeconds : null,
            Http2: edge.Http2,
            PlainHttp: PlainHttpBehaviour.Closed,
            MisdirectedStatus: 421,
            Waf: new WafExpectations(waf.Mode.ToString(), $"OWASP CRS 3.3 (Microsoft_DefaultRuleSet 2.1), paranoia level {waf.ParanoiaLevel}", 403),
            FlowPath: "/api/flow",
            Hops: new ExpectedHops([edge.Name, .. pods], pods));
    }

    public static string Render(PublishedApp app) => Build(app).ToJson();
}
