using System.ComponentModel;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace SecureFlow.Verify.Probes;

/// <summary>
/// TLS 1.0 and 1.1 probes through <c>openssl s_client</c>. .NET's <c>SslStream</c> cannot make them honestly here: the
/// machine's OpenSSL, at its default security level, refuses a server's TLS 1.0/1.1 signature (MD5-SHA1) itself, so a
/// server that accepts TLS 1.1 would look as if it refused. <c>s_client</c> at <c>@SECLEVEL=0</c> offers the version and
/// nothing else; when it cannot (no such option, no such binary, "no protocols available"), the probe says so instead of
/// reporting a refusal. It only learns whether the version is accepted: no request is sent over the connection.
/// </summary>
public sealed partial class OpenSslClient(string executable)
{
    public const string DefaultExecutable = "openssl";

    public string Executable { get; } = executable;

    /// <param name="option">The s_client option of the one version offered: <c>-tls1</c> or <c>-tls1_1</c>.</param>
    public async Task<LegacyHandshake> HandshakeAsync(ProbeTarget target, string option, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "s_client", "-connect", $"{target.DialHost}:{target.Port}", "-servername", target.Host, option, "-cipher", "DEFAULT@SECLEVEL=0", "-brief" })
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{Executable} did not start.");
        }
        catch (Win32Exception exception)
        {
            return new(LegacyHandshakeOutcome.NotProbed, $"{Executable} could not run ({exception.Message}); install openssl or pass --openssl");
        }

        using (process)
        {
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await process.WaitForExitAsync(cancellationToken).WaitAsync(target.Timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                process.Kill(entireProcessTree: true);
                return new(LegacyHandshakeOutcome.NotProbed, $"openssl s_client {option} did not finish within {target.Timeout.TotalSeconds:0} s");
            }

            return Classify(await output.ConfigureAwait(false) + await error.ConfigureAwait(false));
        }
    }

    /// <summary>Reads s_client's output: the negotiated version, the server's refusal, or why nothing was probed.</summary>
    public static LegacyHandshake Classify(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (ProtocolLine().Match(output) is { Success: true } accepted)
        {
            return new(LegacyHandshakeOutcome.Accepted, $"accepted ({accepted.Groups[1].Value}, {CipherLine().Match(output).Groups[1].Value})");
        }

        if (output.Contains("no protocols available", StringComparison.Ordinal) || output.Contains("unknown option", StringComparison.OrdinalIgnoreCase)
            || output.Contains("connect:errno", StringComparison.Ordinal))
        {
            return new(LegacyHandshakeOutcome.NotProbed, $"openssl could not make the handshake: {FirstErrorLine(output)}");
        }

        return output.Contains(":SSL routines:", StringComparison.Ordinal) || output.Contains("unexpected eof", StringComparison.OrdinalIgnoreCase)
            ? new(LegacyHandshakeOutcome.Refused, $"refused ({Reason(output)})")
            : new(LegacyHandshakeOutcome.NotProbed, $"openssl's answer was not understood: {FirstErrorLine(output)}");
    }

    private static string Reason(string output) => AlertReason().Match(output) is { Success: true } alert ? alert.Groups[1].Value : FirstErrorLine(output);

    private static string FirstErrorLine(string output) =>
        output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "no output";

    [GeneratedRegex(@"^Protocol version: (\S+)", RegexOptions.Multiline)]
    private static partial Regex ProtocolLine();

    [GeneratedRegex(@"^Ciphersuite: (\S+)", RegexOptions.Multiline)]
    private static partial Regex CipherLine();

    [GeneratedRegex(@"SSL routines:[^:]*:([^:]+):")]
    private static partial Regex AlertReason();
}
