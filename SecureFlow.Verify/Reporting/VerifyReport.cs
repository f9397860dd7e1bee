using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SecureFlow.Verify.Reporting;

/// <summary>Every probed control of one target, as a table for people or JSON for machines.</summary>
public sealed record VerifyReport(string Target, VerifyProfile Profile, IReadOnlyList<ControlResult> Results)
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Whether every control holds (a warning holds; a control that could not be probed does not).</summary>
    public bool Holds => Results.All(result => result.Holds);

    public IReadOnlyList<ControlResult> Failures => [.. Results.Where(result => !result.Holds)];

    public string ToJson() => JsonSerializer.Serialize(new { Target, Profile, Holds, Results }, JsonOptions);

    /// <summary>The table: control, expected, observed, verdict; then each failure with what it means and the fix.</summary>
    public string ToTable()
    {
        string[] header = ["control", "expected", "observed", "verdict"];
        var rows = Results.Select(result => new[] { result.Control, result.Expected, result.Observed, VerdictText(result.Verdict) }).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(column => Math.Min(60, rows.Select(row => row[column].Length).Append(header[column].Length).Max())).ToArray();

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"SecureFlow Verify: {Target} ({Profile.ToString().ToLowerInvariant()})\n\n");
        AppendRow(text, header, widths);
        AppendRow(text, [.. widths.Select(width => new string('-', width))], widths);
        foreach (var row in rows)
        {
            AppendRow(text, row, widths);
        }

        var failures = Failures;
        text.Append('\n');
        foreach (var failure in failures)
        {
            text.Append(CultureInfo.InvariantCulture, $"{VerdictText(failure.Verdict)} {failure.Control}: {failure.Explanation}\n    fix: {failure.Fix}\n");
        }

        var warnings = Results.Count(result => result.Verdict == Verdict.Warn);
        text.Append(CultureInfo.InvariantCulture, $"{Results.Count - failures.Count} of {Results.Count} controls hold ({warnings} with a warning); {failures.Count} do not.\n");
        return text.ToString();
    }

    private static string VerdictText(Verdict verdict) => verdict switch
    {
        Verdict.Pass => "PASS",
        Verdict.Warn => "WARN",
        Verdict.Fail => "FAIL",
        _ => "NOT PROBED",
    };

    private static void AppendRow(StringBuilder text, string[] cells, int[] widths)
    {
        for (var column = 0; column < cells.Length; column++)
        {
            var cell = cells[column].Length > widths[column] ? cells[column][..(widths[column] - 1)] + "…" : cells[column];
            text.Append(cell.PadRight(widths[column]));
            text.Append(column == cells.Length - 1 ? "\n" : "  ");
        }
    }
}
