using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using SecureFlow.EndToEnd.Tests.Infrastructure;
using SecureFlow.Verify;
using SecureFlow.Verify.Expectations;
using SecureFlow.Verify.Reporting;

namespace SecureFlow.EndToEnd.Tests;

/// <summary>SecureFlow.Verify against the real local chain: the healthy target every weakened one is compared with.</summary>
public sealed class VerifyTests(SharedApp shared)
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(3);

    private readonly SecureFlowApp _app = shared.App;

    [Fact]
    public async Task VerifyFindsEveryControlOfTheLocalChainHoldingAndExitsZero()
    {
        using var rootFile = new TemporaryFile(_app.Root.ExportCertificatePem());
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await VerifyCommandLine.RunAsync(
                [$"https://{SecureFlowApp.PublicHost}:{_app.EdgePort.ToString(CultureInfo.InvariantCulture)}/", "--trust-root", rootFile.Path],
                output, error, TestContext.Current.CancellationToken)
            .WaitAsync(RunTimeout, TestContext.Current.CancellationToken);

        Assert.True(exitCode == VerifyCommandLine.Holds, $"{output}{error}");
        Assert.Contains("0 do not.", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryProbeOfTheModelsControlsRunsAgainstTheLocalEdgeAndPasses()
    {
        var report = await Verifier.RunAsync(
                new VerifyOptions(_app.EdgeUri("/"), ChainExpectations.Embedded(), VerifyProfile.Local, _app.Root), TestContext.Current.CancellationToken)
            .WaitAsync(RunTimeout, TestContext.Current.CancellationToken);

        // The local certificates are issued at each start for seven days: the expiry warning is the one verdict besides Pass.
        Assert.All(report.Results, result => Assert.True(
            result.Verdict == Verdict.Pass || (result.Id == "tls.certificate" && result.Verdict == Verdict.Warn), $"{result.Id}: {result.Observed} ({result.Explanation})"));
        Assert.True(report.Holds);
        Assert.Equal(["edge", "ingress", "workload", "orders"], ChainExpectations.Embedded().Hops.Local);
        foreach (var id in new[] { "tls.protocol.tls11", "tls.suites.tls12", "sni.missing", "sni.unknown", "http.hsts", "http.host-sni", "http.http2", "http.plain", "waf.sqli.JSON body", "headers.forwarded", "flow.hops" })
        {
            Assert.Contains(report.Results, result => result.Id == id);
        }
    }

    [Fact]
    public async Task TheEdgesVerifyTheChainCommandWritesTheTableToTheEdgesConsoleAndSucceeds()
    {
        var mark = _app.Logs.Mark("edge");
        var commands = _app.App.Services.GetRequiredService<ResourceCommandService>();

        var result = await commands.ExecuteCommandAsync("edge", VerifyChainCommand.Name, TestContext.Current.CancellationToken)
            .WaitAsync(RunTimeout, TestContext.Current.CancellationToken);

        Assert.True(result.Success, result.Message);
        await _app.Logs.WaitForAsync("edge", mark, "WAF blocks SQL injection in the JSON body");
        var summary = await _app.Logs.WaitForAsync("edge", mark, "controls hold");
        Assert.Contains("0 do not.", summary, StringComparison.Ordinal);
    }

    private sealed class TemporaryFile : IDisposable
    {
        public TemporaryFile(string text)
        {
            Path = System.IO.Path.GetTempFileName();
            File.WriteAllText(Path, text);
        }

        public string Path { get; }

        public void Dispose() => File.Delete(Path);
    }
}
