using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SecureFlow.Verify.Expectations;

namespace SecureFlow.Verify;

/// <summary>
/// <c>dotnet run --project SecureFlow.Verify -- [URL] [options]</c>: exit 0 when every control holds, 1 when one does not,
/// 2 for a usage error.
/// </summary>
public static class VerifyCommandLine
{
    public const int Holds = 0;
    public const int DoesNotHold = 1;
    public const int UsageError = 2;

    public const string Usage = """
        usage: dotnet run --project SecureFlow.Verify -- [URL] [options]

          URL                  the edge (default https://delta.secureflow.localhost:8443/, the local chain)
          --trust-root PEM     the only root the edge's certificate may chain to, or the edge's self-signed certificate
                               (default, for a localhost URL: the development CA, ~/.local/share/SecureFlow/dev-ca/root.crt;
                               otherwise the system's roots, right for a certificate from a public CA)
          --profile P          local or azure (default: local for a localhost URL, else azure): which hops to expect
          --expectations FILE  the model's expectations (default: docs/controls.json built into the tool)
          --http-port N        the public host's plain HTTP port (default 80)
          --timeout SECONDS    the most one probe may take (default 10)
          --openssl PATH       the openssl that probes TLS 1.0/1.1 (default: openssl on PATH)
          --json               print JSON instead of the table
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);

        VerifyOptions options;
        bool json;
        try
        {
            (options, json) = Parse(args);
        }
        catch (HelpRequestedException)
        {
            await output.WriteLineAsync(Usage).ConfigureAwait(false);
            return Holds;
        }
        catch (UsageException exception)
        {
            await error.WriteLineAsync($"{exception.Message}\n\n{Usage}").ConfigureAwait(false);
            return UsageError;
        }

        using (options.TrustRoot)
        {
            var report = await Verifier.RunAsync(options, cancellationToken).ConfigureAwait(false);
            await output.WriteAsync(json ? report.ToJson() + "\n" : report.ToTable()).ConfigureAwait(false);
            return report.Holds ? Holds : DoesNotHold;
        }
    }

    public static (VerifyOptions Options, bool Json) Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? url = null, trustRoot = null, profile = null, expectationsPath = null, openssl = null;
        int? httpPort = null;
        TimeSpan? timeout = null;
        var json = false;
        for (var index = 0; index < args.Count; index++)
        {
            var argument = args[index];
            string Value() => index + 1 < args.Count ? args[++index] : throw new UsageException($"{argument} needs a value.");
            switch (argument)
            {
                case "--json": json = true; break;
                case "--trust-root": trustRoot = Value(); break;
                case "--profile": profile = Value(); break;
                case "--expectations": expectationsPath = Value(); break;
                case "--openssl": openssl = Value(); break;
                case "--http-port": httpPort = Number(argument, Value(), 1, 65535); break;
                case "--timeout": timeout = TimeSpan.FromSeconds(Number(argument, Value(), 1, 300)); break;
                case "--help" or "-h": throw new HelpRequestedException();
                default:
                    if (argument.StartsWith('-') || url is not null)
                    {
                        throw new UsageException($"Unknown argument '{argument}'.");
                    }

                    url = argument;
                    break;
            }
        }

        if (!Uri.TryCreate(url ?? VerifyOptions.LocalEdge, UriKind.Absolute, out var target) || target.Scheme != Uri.UriSchemeHttps || target.PathAndQuery != "/")
        {
            throw new UsageException($"'{url}' is not an edge URL: give https://HOST[:PORT]/ (the edge's public host, no path).");
        }

        var local = ProbeTarget.IsLocalhostName(target.IdnHost) || (IPAddress.TryParse(target.IdnHost, out var address) && IPAddress.IsLoopback(address));
        var verifyProfile = profile switch
        {
            null => local ? VerifyProfile.Local : VerifyProfile.Azure,
            "local" => VerifyProfile.Local,
            "azure" => VerifyProfile.Azure,
            _ => throw new UsageException($"--profile must be local or azure, not '{profile}'."),
        };

        var expectations = expectationsPath is null ? ChainExpectations.Embedded() : ReadExpectations(expectationsPath);
        return (new VerifyOptions(target, expectations, verifyProfile, LoadTrustRoot(trustRoot, local), httpPort ?? 80, timeout, openssl ?? Probes.OpenSslClient.DefaultExecutable), json);
    }

    private static ChainExpectations ReadExpectations(string path)
    {
        try
        {
            return ChainExpectations.Parse(File.ReadAllText(path), path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new UsageException($"--expectations {path}: {exception.Message}");
        }
    }

    private static X509Certificate2? LoadTrustRoot(string? path, bool local)
    {
        if (path is null && !local)
        {
            return null;
        }

        var file = path ?? VerifyOptions.DevelopmentRootPath;
        try
        {
            // A CA's root, or a self-signed certificate (Key Vault's issuer Self) trusted as itself.
            var root = X509CertificateLoader.LoadCertificate(File.ReadAllBytes(file));
            if (root.Extensions.OfType<X509BasicConstraintsExtension>().Any(constraints => constraints.CertificateAuthority) || root.SubjectName.RawData.AsSpan().SequenceEqual(root.IssuerName.RawData))
            {
                return root;
            }

            root.Dispose();
            throw new UsageException($"--trust-root {file} is neither a CA certificate nor self-signed: pass the root it chains to.");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new UsageException(path is null
                ? $"No development CA root at {file} (the AppHost creates it on its first run): run the AppHost, or pass --trust-root PEM. ({exception.Message})"
                : $"--trust-root {file}: {exception.Message}");
        }
    }

    private static int Number(string option, string value, int minimum, int maximum) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= minimum && number <= maximum
            ? number
            : throw new UsageException($"{option} must be a number from {minimum} to {maximum}, not '{value}'.");

    private sealed class UsageException(string message) : Exception(message);

    private sealed class HelpRequestedException : Exception;
}
