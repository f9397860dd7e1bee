using System.Text;
using SecureFlow.Gateway.Tests.Infrastructure;

namespace SecureFlow.Gateway.Tests.Waf;

/// <summary>
/// A ReDoS-shaped input against a CRS regex: libmodsecurity 3.0.9 ignores SecPcreMatchLimit and PCRE2's JIT does not
/// stop rule 941160's lazy <c>\W*?</c> scans, so a run of <c>&lt;</c> costs about n³ (2,500 of them: about 2.5 s of one
/// core here). Nothing but the size limits bound it. The request ties up one thread, not the edge: other requests are
/// answered meanwhile, and the pathological one is answered too.
/// </summary>
public sealed class PathologicalInputTests
{
    private static readonly TimeSpan PathologicalTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task EdgeAnswersOtherRequestsWhileARegexHeavyBodyIsInspected()
    {
        await using var backend = await EchoBackend.StartAsync();
        await using var gateway = await InProcessGateway.StartAsync(_ =>
        {
            var configuration = backend.Route();
            configuration["Waf:Mode"] = "Prevention";
            return configuration;
        });
        var body = "q=" + new StringBuilder().Insert(0, "%3C", 2500);

        var pathological = gateway.SendAsync("POST /comments HTTP/1.1\r\n", "application/x-www-form-urlencoded", body);
        var others = new List<int>();
        do
        {
            others.Add((await gateway.SendAsync("GET /items?id=1 HTTP/1.1\r\n")).Status);
        }
        while (!pathological.IsCompleted && others.Count < 5);

        var (status, _) = await pathological.WaitAsync(PathologicalTimeout, TestContext.Current.CancellationToken);

        Assert.All(others, other => Assert.Equal(200, other));
        Assert.InRange(status, 200, 499);
        Assert.Equal(200, (await gateway.SendAsync("GET /items?id=2 HTTP/1.1\r\n")).Status);
    }
}
