using System.Text.Json;
using SecureFlow.Verify.Expectations;
using SecureFlow.Verify.Probes;
using SecureFlow.Verify.Reporting;
using SecureFlow.Verify.Tests.Infrastructure;

namespace SecureFlow.Verify.Tests;

/// <summary>
/// Verify against a real nginx that is the model's edge, then with one control turned off at a time: a verifier that
/// cannot fail is not a verifier, and one that fails a correct edge is not one either.
/// </summary>
public sealed class WeakenedTargetTests
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task AnNginxEdgeBuiltAsTheModelSaysHoldsEveryControlAndTheRunExitsZero()
    {
        await using var target = await NginxTarget.StartAsync(new NginxEdge());

        var (exitCode, output) = await RunCommandLineAsync(target);

        Assert.True(exitCode == VerifyCommandLine.Holds, output + target.Log);
        Assert.Contains("0 do not.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tls10And11AcceptedAreReportedAsFailuresAndTheRunExitsOne()
    {
        await using var target = await NginxTarget.StartAsync(new NginxEdge { LegacyTls = true });

        var (exitCode, output) = await RunCommandLineAsync(target);
        var report = await VerifyAsync(target);

        Assert.Equal(VerifyCommandLine.DoesNotHold, exitCode);
        Assert.Contains("TLSv1.1 accepted: ", output, StringComparison.Ordinal);
        Assert.Contains("sslPolicy", output, StringComparison.Ordinal);
        foreach (var id in new[] { "tls.protocol.tls10", "tls.protocol.tls11" })
        {
            var result = Result(report, id);
            Assert.Equal(Verdict.Fail, result.Verdict);
            Assert.StartsWith("accepted (", result.Observed, StringComparison.Ordinal);
        }

        Assert.Equal(Verdict.Fail, Result(report, "tls.suites.tls12").Verdict);
    }

    [Fact]
    public async Task ADefaultServerWithoutStrictSniFailsBothSniProbesAndTheHostCheck()
    {
        await using var target = await NginxTarget.StartAsync(new NginxEdge { StrictSni = false });

        var report = await VerifyAsync(target);

        Assert.Equal(Verdict.Fail, Result(report, "sni.missing").Verdict);
        Assert.Equal(Verdict.Fail, Result(report, "sni.unknown").Verdict);
        Assert.Equal(Verdict.Fail, Result(report, "http.host-sni").Verdict);
        Assert.Equal(Verdict.Pass, Result(report, "tls.certificate").Verdict);
        Assert.False(report.Holds);
    }

    [Fact]
    public async Task WithoutAWafEveryAttackIsReportedAsReachingTheBackendWhileOrdinaryRequestsPass()
    {
        await using var target = await NginxTarget.StartAsync(new NginxEdge { Waf = false });

        var report = await VerifyAsync(target);

        var attacks = report.Results.Where(result => result.Id.StartsWith("waf.", StringComparison.Ordinal) && !result.Id.StartsWith("waf.ordinary.", StringComparison.Ordinal)).ToList();
        Assert.Equal(WafProbes.Attacks.Count * 3, attacks.Count);
        Assert.All(attacks, attack => Assert.Equal(Verdict.Fail, attack.Verdict));
        Assert.All(attacks, attack => Assert.Contains("reached the backend", attack.Explanation, StringComparison.Ordinal));
        Assert.All(report.Results.Where(result => result.Id.StartsWith("waf.ordinary.", StringComparison.Ordinal)), ordinary => Assert.Equal(Verdict.Pass, ordinary.Verdict));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(300)]
    public async Task HstsMissingOrWithAnotherMaxAgeThanTheModelsIsReportedAsAFailure(int? maxAge)
    {
        await using var target = await NginxTarget.StartAsync(new NginxEdge { HstsMaxAge = maxAge });

        var report = await VerifyAsync(target);

        var hsts = Result(report, "http.hsts");
        Assert.Equal(Verdict.Fail, hsts.Verdict);
        Assert.Contains(maxAge is null ? "no Strict-Transport-Security" : "max-age=300", hsts.Observed, StringComparison.Ordinal);
        Assert.False(report.Holds);
    }

    [Fact]
    public async Task APlainHttpPortThatAnswersIsReportedAsAFailure()
    {
        await using var target = await NginxTarget.StartAsync(new NginxEdge { PlainHttpOpen = true });

        var report = await VerifyAsync(target);

        var plain = Result(report, "http.plain");
        Assert.Equal(Verdict.Fail, plain.Verdict);
        Assert.StartsWith("answered ", plain.Observed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientIdentityHeadersAndNamesAliasingThemThatReachTheWorkloadAreReportedAsFailuresOverHttp11AndHttp2()
    {
        await using var target = await NginxTarget.StartAsync(new NginxEdge { ForwardsClientHeaders = true });

        var report = await VerifyAsync(target);

        foreach (var id in new[] { "headers.hop", "headers.x-forwarded-for", "headers.forwarded", "headers.aliased" })
        {
            Assert.Equal(Verdict.Fail, Result(report, id).Verdict);
            Assert.Equal(Verdict.Fail, Result(report, id + ".h2").Verdict);
        }

        Assert.Contains(FlowProbes.ForgedHop, Result(report, "flow.hops").Observed, StringComparison.Ordinal);
        Assert.Equal(Verdict.Fail, Result(report, "flow.hops").Verdict);
    }

    [Fact]
    public async Task AnEdgeWithoutHttp2WhereTheModelTurnsItOnIsReportedAsAFailure()
    {
        await using var target = await NginxTarget.StartAsync(new NginxEdge { Http2 = false });

        var report = await VerifyAsync(target);

        Assert.True(ChainExpectations.Embedded().Http2);
        var http2 = Result(report, "http.http2");
        Assert.Equal(Verdict.Fail, http2.Verdict);
        Assert.Equal("http/1.1", http2.Observed);
    }

    [Fact]
    public async Task ACertificateThatExpiresWithin30DaysIsAWarningThatStillHolds()
    {
        await using var target = await NginxTarget.StartAsync(new NginxEdge { CertificateValidity = TimeSpan.FromDays(10) });

        var (exitCode, output) = await RunCommandLineAsync(target);
        var report = await VerifyAsync(target);

        Assert.Equal(Verdict.Warn, Result(report, "tls.certificate").Verdict);
        Assert.True(exitCode == VerifyCommandLine.Holds, output);
    }

    [Fact]
    public async Task AnEdgeWhoseCertificateDoesNotChainToTheTrustRootFailsAndNothingIsSentToIt()
    {
        await using var target = await NginxTarget.StartAsync(new NginxEdge());
        await using var other = await NginxTarget.StartAsync(new NginxEdge());

        var report = await VerifyAsync(target, trustRootFrom: other);

        var certificate = Result(report, "tls.certificate");
        Assert.Equal(Verdict.Fail, certificate.Verdict);
        Assert.Contains("RemoteCertificateChainErrors", certificate.Observed, StringComparison.Ordinal);
        Assert.All(report.Results.Where(result => result.Id.StartsWith("waf.", StringComparison.Ordinal) || result.Id.StartsWith("headers.", StringComparison.Ordinal)),
            result => Assert.Equal(Verdict.Fail, result.Verdict));
    }

    [Fact]
    public async Task WithoutAClientThatCanOfferTls11TheLegacyProbesSayNotProbedAndTheRunFails()
    {
        await using var target = await NginxTarget.StartAsync(new NginxEdge());

        var report = await VerifyAsync(target, openssl: "/nonexistent/openssl");

        Assert.Equal(Verdict.NotProbed, Result(report, "tls.protocol.tls10").Verdict);
        Assert.Equal(Verdict.NotProbed, Result(report, "tls.protocol.tls11").Verdict);
        Assert.False(report.Holds);
    }

    [Fact]
    public async Task JsonOutputListsEveryControlWithItsVerdict()
    {
        await using var target = await NginxTarget.StartAsync(new NginxEdge { HstsMaxAge = null });

        var (exitCode, output) = await RunCommandLineAsync(target, "--json");

        Assert.Equal(VerifyCommandLine.DoesNotHold, exitCode);
        using var json = JsonDocument.Parse(output);
        Assert.False(json.RootElement.GetProperty("holds").GetBoolean());
        var results = json.RootElement.GetProperty("results").EnumerateArray().ToList();
        var hsts = Assert.Single(results, result => result.GetProperty("id").GetString() == "http.hsts");
        Assert.Equal("Fail", hsts.GetProperty("verdict").GetString());
        Assert.Contains("Strict-Transport-Security", hsts.GetProperty("fix").GetString(), StringComparison.Ordinal);
        Assert.Equal("Pass", results.Single(result => result.GetProperty("id").GetString() == "sni.missing").GetProperty("verdict").GetString());
    }

    private static ControlResult Result(VerifyReport report, string id) =>
        report.Results.SingleOrDefault(result => result.Id == id) ?? throw new Xunit.Sdk.XunitException($"No result '{id}' in:\n{report.ToTable()}");

    private static async Task<VerifyReport> VerifyAsync(NginxTarget target, NginxTarget? trustRootFrom = null, string openssl = OpenSslClient.DefaultExecutable) =>
        await Verifier.RunAsync(
            new VerifyOptions(target.Uri, ChainExpectations.Embedded(), VerifyProfile.Local, (trustRootFrom ?? target).Certificates.Root, target.PlainHttpPort, OpenSsl: openssl),
            TestContext.Current.CancellationToken).WaitAsync(RunTimeout, TestContext.Current.CancellationToken);

    private static async Task<(int ExitCode, string Output)> RunCommandLineAsync(NginxTarget target, params string[] options)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await VerifyCommandLine.RunAsync(
                [target.Uri.ToString(), "--trust-root", target.Certificates.RootPath, "--http-port", target.PlainHttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), .. options],
                output, error, TestContext.Current.CancellationToken)
            .WaitAsync(RunTimeout, TestContext.Current.CancellationToken);
        return (exitCode, output.ToString() + error);
    }
}
