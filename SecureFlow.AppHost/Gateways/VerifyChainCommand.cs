using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using SecureFlow.AppHost.Publishing;
using SecureFlow.Verify;

namespace Aspire.Hosting;

/// <summary>
/// The edge's dashboard command "Verify the chain": runs SecureFlow.Verify against the running edge, from the outside,
/// with the expectations the publish step would write from this same model (<c>docs/controls.json</c>), trusting only
/// the development CA, and writes the table to the edge's console log.
/// </summary>
public static partial class VerifyChainCommand
{
    public const string Name = "verify-chain";

    /// <summary>The most one run may take: every probe has its own timeout, and the whole run is bounded too.</summary>
    public static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(3);

    /// <summary>
    /// Adds "Verify the chain" to the edge.
    /// <code>
    /// builder.AddApplicationGateway("edge").WithVerifyChainCommand();
    /// </code>
    /// </summary>
    public static IResourceBuilder<ApplicationGatewayResource> WithVerifyChainCommand(this IResourceBuilder<ApplicationGatewayResource> edge)
    {
        ArgumentNullException.ThrowIfNull(edge);
        return edge.WithCommand(Name, "Verify the chain", context => RunAsync(edge.Resource, context), new CommandOptions
        {
            Description = "Probes the edge from outside (TLS, SNI, Host, HSTS, HTTP/2, WAF, forged headers, the hops) against the model; the table goes to the edge's console log.",
            IconName = "ShieldCheckmark",
            UpdateState = context => context.ResourceSnapshot.HealthStatus is HealthStatus.Healthy ? ResourceCommandState.Enabled : ResourceCommandState.Disabled,
        });
    }

    private static async Task<ExecuteCommandResult> RunAsync(ApplicationGatewayResource edge, ExecuteCommandContext context)
    {
        var console = context.Services.GetRequiredService<ResourceLoggerService>().GetLogger(edge);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        timeout.CancelAfter(RunTimeout);
        try
        {
            var model = context.Services.GetRequiredService<DistributedApplicationModel>();
            var expectations = ChainExpectationsDocument.Build(PublishedApp.From(model.Resources));
            var rootPath = edge.Certificates.Select(certificate => certificate.Files?.IssuerCertificatePath).FirstOrDefault(path => path is not null)
                ?? throw new InvalidOperationException($"'{edge.Name}' has no certificate issued by the development CA yet.");
            using var root = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(rootPath);
            var target = new Uri($"https://{expectations.PublicHost}:{edge.HttpsEndpoint.Port}/");
            LogProbing(console, target, rootPath);

            var report = await Verifier.RunAsync(new VerifyOptions(target, expectations, VerifyProfile.Local, root), timeout.Token).WaitAsync(RunTimeout, context.CancellationToken).ConfigureAwait(false);
            foreach (var line in report.ToTable().Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                LogRow(console, line.StartsWith("FAIL", StringComparison.Ordinal) || line.StartsWith("NOT PROBED", StringComparison.Ordinal) ? LogLevel.Error : LogLevel.Information, line);
            }

            var failures = report.Failures;
            return failures.Count == 0
                ? CommandResults.Success($"All {report.Results.Count} controls hold (the table is in {edge.Name}'s console log).")
                : CommandResults.Failure($"{failures.Count} of {report.Results.Count} controls do not hold: {string.Join(", ", failures.Select(failure => failure.Id))} (see {edge.Name}'s console log).");
        }
        catch (Exception exception) when (exception is TimeoutException || (exception is OperationCanceledException && timeout.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested))
        {
            LogDidNotFinish(console, RunTimeout);
            return CommandResults.Failure($"Verify did not finish within {RunTimeout.TotalMinutes:0} minutes.");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogCouldNotRun(console, exception);
            return CommandResults.Failure($"Verify could not run: {exception.GetType().Name}: {exception.Message}");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Verify the chain: probing {Target} against the model, trusting only {Root}")]
    private static partial void LogProbing(ILogger logger, Uri target, string root);

    // One console line per table row, so that the table reads as the tool prints it.
    [LoggerMessage(Message = "{Line}")]
    private static partial void LogRow(ILogger logger, LogLevel level, string line);

    [LoggerMessage(Level = LogLevel.Error, Message = "Verify the chain did not finish within {Timeout}")]
    private static partial void LogDidNotFinish(ILogger logger, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Error, Message = "Verify the chain could not run")]
    private static partial void LogCouldNotRun(ILogger logger, Exception exception);
}
