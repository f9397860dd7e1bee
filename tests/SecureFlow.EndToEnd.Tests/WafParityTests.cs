using System.Globalization;
using System.Text;
using System.Text.Json;
using SecureFlow.EndToEnd.Tests.Infrastructure;

namespace SecureFlow.EndToEnd.Tests;

/// <summary>
/// The edge's WAF is at parity with the reference (nginx + ModSecurity v3 + CRS 3.3.4, PL1, threshold 5) on the CRS
/// 3.3.4 regression corpus: both are replayed with the same tool, the same Host and the same statuses counted as
/// "blocked", the request never reached the backend: 403 from the WAF or a refusal by the HTTP server before the WAF
/// saw it. Those statuses are nginx's (400, 411, 413, 414, 431) and Kestrel's one more: 505, its answer to a request
/// line whose HTTP version it does not serve (HTTP/0.9, JUNK/1.0), where nginx answers 400. The figures with nginx's
/// statuses alone are printed beside them.
/// </summary>
public sealed class WafParityTests(SharedApp shared)
{
    private static readonly int[] NginxRefusals = [400, 403, 411, 413, 414, 431];
    private static readonly int[] ServerRefusals = [.. NginxRefusals, 505];
    private const double RequiredShare = 0.97;

    private readonly SecureFlowApp _app = shared.App;

    [Fact]
    public async Task EdgeBlocksTheCorpusAttacksAndAgreesWithTheReferenceInEveryCategory()
    {
        var sharedFolder = SharedFolder();
        var corpus = Path.Combine(sharedFolder ?? "", "data", "crs-3.3.4-regression");
        if (sharedFolder is null || !Directory.Exists(corpus))
        {
            Assert.Skip("The CRS 3.3.4 regression corpus is not at ../shared/data/crs-3.3.4-regression beside the repository (CI provides it).");
        }

        var tools = Path.Combine(sharedFolder, "tools");
        var work = Directory.CreateTempSubdirectory("secureflow-waf-parity-");

        // nginx's workers run as another user: they must reach the reference's body buffer files under this folder, or a
        // large body gets 500 from the reference instead of its WAF's decision.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(work.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        try
        {
            var referencePort = SecureFlowApp.FreePort();
            var started = await ExternalTool.RunAsync("env", $"WAF_PORT={referencePort.ToString(CultureInfo.InvariantCulture)}",
                "bash", Path.Combine(tools, "waf-reference", "start.sh"), Path.Combine(work.FullName, "reference"));
            Assert.Contains("reference WAF on", started, StringComparison.Ordinal);
            string referenceReplay;
            try
            {
                referenceReplay = await ReplayAsync(tools, corpus, referencePort, tls: false, Path.Combine(work.FullName, "reference.jsonl"));
            }
            finally
            {
                await ExternalTool.RunAsync("bash", Path.Combine(tools, "waf-reference", "stop.sh"), Path.Combine(work.FullName, "reference"));
            }

            var edgeReplay = await ReplayAsync(tools, corpus, _app.EdgePort, tls: true, Path.Combine(work.FullName, "edge.jsonl"));
            var reference = Results(Path.Combine(work.FullName, "reference.jsonl"));
            var edge = Results(Path.Combine(work.FullName, "edge.jsonl"));

            var report = Report(reference, edge, ServerRefusals, out var attacksBlocked, out var categories);
            var nginxStatusesOnly = Report(reference, edge, NginxRefusals, out var attacksBlockedByNginxStatuses, out _);
            var summary = $"reference replay:\n{referenceReplay}\nedge replay:\n{edgeReplay}\n" +
                $"blocked = {string.Join(',', ServerRefusals)}:\n{report}\nblocked = {string.Join(',', NginxRefusals)} (nginx's refusals only):\n{nginxStatusesOnly}";
            TestContext.Current.TestOutputHelper?.WriteLine(summary);
            await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "waf-parity.txt"), summary, TestContext.Current.CancellationToken);

            Assert.True(attacksBlocked >= RequiredShare, $"The edge blocked {attacksBlocked:P1} of the PL1 attack tests.\n{summary}");
            Assert.True(attacksBlockedByNginxStatuses >= RequiredShare, $"The edge blocked {attacksBlockedByNginxStatuses:P1} of the PL1 attack tests (nginx's statuses).\n{summary}");
            Assert.All(categories, category => Assert.True(category.Agreement >= RequiredShare,
                $"{category.Name}: the edge agrees with the reference on {category.Agreement:P1} of its tests.\n{summary}"));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static Task<string> ReplayAsync(string tools, string corpus, int port, bool tls, string jsonl)
    {
        List<string> arguments =
        [
            Path.Combine(tools, "crs-replay", "replay.py"), "--tests", corpus, "--host", "127.0.0.1",
            "--port", port.ToString(CultureInfo.InvariantCulture), "--host-header", SecureFlowApp.PublicHost,
            "--pl-map", Path.Combine(corpus, "paranoia-levels.json"), "--max-pl", "1", "--block-status", string.Join(',', ServerRefusals), "--jsonl", jsonl,
        ];
        if (tls)
        {
            arguments.AddRange(["--tls", "--sni", SecureFlowApp.PublicHost]);
        }

        // About 11 s in plain HTTP; the tool opens a new TLS connection per request, which takes it to about 80 s here.
        return ExternalTool.RunAsync(TimeSpan.FromMinutes(5), "python3", [.. arguments]);
    }

    /// <summary>The replay's results by file and test id; a few ids repeat in the corpus, the last one wins (as in compare.py).</summary>
    private static Dictionary<(string File, string Test), (string Category, string Kind, int Status)> Results(string jsonl)
    {
        var results = new Dictionary<(string File, string Test), (string Category, string Kind, int Status)>();
        foreach (var line in File.ReadLines(jsonl))
        {
            var result = JsonDocument.Parse(line).RootElement;
            var file = result.GetProperty("file").GetString()!;
            results[(file, result.GetProperty("test").ToString())] =
                (file.Split('/')[0], result.GetProperty("kind").GetString()!, result.GetProperty("status").GetInt32());
        }

        return results;
    }

    private static string Report(
        Dictionary<(string File, string Test), (string Category, string Kind, int Status)> reference,
        Dictionary<(string File, string Test), (string Category, string Kind, int Status)> edge,
        int[] blockStatuses,
        out double attacksBlocked,
        out List<(string Name, double Agreement)> categories)
    {
        bool Blocked((string Category, string Kind, int Status) result) => blockStatuses.Contains(result.Status);

        var attacks = edge.Values.Where(result => result.Kind == "attack").ToList();
        attacksBlocked = attacks.Count == 0 ? 0 : (double)attacks.Count(Blocked) / attacks.Count;
        var referenceAttacks = reference.Values.Where(result => result.Kind == "attack").ToList();

        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"category",-42} {"tests",5} {"agree",5} {"agree%",7} | {"attacks",7} {"edge",5} {"ref",5}");
        categories = [];
        foreach (var category in edge.Where(result => reference.ContainsKey(result.Key)).GroupBy(result => result.Value.Category).OrderBy(group => group.Key, StringComparer.Ordinal))
        {
            var tests = category.ToList();
            var agree = tests.Count(result => Blocked(reference[result.Key]) == Blocked(result.Value));
            var categoryAttacks = tests.Where(result => result.Value.Kind == "attack").ToList();
            var agreement = (double)agree / tests.Count;
            categories.Add((category.Key, agreement));
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{category.Key,-42} {tests.Count,5} {agree,5} {agreement,7:P1} | {categoryAttacks.Count,7} {categoryAttacks.Count(result => Blocked(result.Value)),5} {categoryAttacks.Count(result => Blocked(reference[result.Key])),5}");
        }

        foreach (var (test, result) in edge.Where(result => reference.TryGetValue(result.Key, out var other) && Blocked(other) != Blocked(result.Value)).OrderBy(result => result.Key.Test, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"differs: {test.Test} edge {result.Status} ({(Blocked(result) ? "blocked" : "passed")}), reference {reference[test].Status} ({(Blocked(reference[test]) ? "blocked" : "passed")})");
        }

        text.AppendLine(CultureInfo.InvariantCulture,
            $"PL1 attack tests blocked: edge {attacks.Count(Blocked)} of {attacks.Count} ({attacksBlocked:P1}), reference {referenceAttacks.Count(Blocked)} of {referenceAttacks.Count}");
        return text.ToString();
    }

    /// <summary>The shared folder beside the repository (../shared from the repository root), or null.</summary>
    private static string? SharedFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "SecureFlow.sln")))
            {
                var shared = Path.Combine(folder.Parent?.FullName ?? folder.FullName, "shared");
                return Directory.Exists(shared) ? shared : null;
            }
        }

        return null;
    }
}
