using System.Net.Sockets;
using SecureFlow.Verify.Probes;
using SecureFlow.Verify.Reporting;

namespace SecureFlow.Verify;

/// <summary>Runs every probe against one edge, one after the other (no load), and reports each control.</summary>
public static class Verifier
{
    public static async Task<VerifyReport> RunAsync(VerifyOptions options, CancellationToken cancellationToken, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var target = new ProbeTarget(options.Target, options.TrustRoot, options.ProbeTimeout ?? VerifyOptions.DefaultProbeTimeout);
        var expected = options.Expectations;
        var openssl = new OpenSslClient(options.OpenSsl);
        List<ControlResult> results = [];

        async Task Probe(string id, string control, Func<Task<IEnumerable<ControlResult>>> probe)
        {
            try
            {
                results.AddRange(await probe().ConfigureAwait(false));
            }
            catch (Exception exception) when (exception is HttpRequestException or IOException or SocketException or TimeoutException
                or System.Security.Authentication.AuthenticationException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // A probe that could not complete is a control not shown to hold: it fails, with what went wrong.
                results.Add(new(id, control, "a completed probe", $"{exception.GetType().Name}: {exception.Message}", Verdict.Fail,
                    "the probe could not complete against the edge", "check that the URL is the public host and the listener is up"));
            }
        }

        await Probe("tls.certificate", "certificate valid for the host", async () => [await TlsProbes.CertificateAsync(target, time ?? TimeProvider.System, cancellationToken).ConfigureAwait(false)]).ConfigureAwait(false);
        await Probe("tls.protocol", "TLS protocols", async () => await TlsProbes.ProtocolsAsync(target, expected.Tls, openssl, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        await Probe("tls.suites", "TLS cipher suites", async () => await TlsProbes.CipherSuitesAsync(target, expected.Tls, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        await Probe("sni", "SNI required", async () => await TlsProbes.SniAsync(target, expected.Tls, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        await Probe("http.hsts", "HSTS with the model's max-age", async () => [await HttpProbes.HstsAsync(target, expected, cancellationToken).ConfigureAwait(false)]).ConfigureAwait(false);
        await Probe("http.host-sni", "Host must be the SNI name", async () => [await HttpProbes.HostMustMatchSniAsync(target, expected, cancellationToken).ConfigureAwait(false)]).ConfigureAwait(false);
        await Probe("http.http2", "HTTP/2 as the model says", async () => [await HttpProbes.Http2Async(target, expected, cancellationToken).ConfigureAwait(false)]).ConfigureAwait(false);
        await Probe("http.plain", "plain HTTP closed or redirecting as the model says", async () => [await HttpProbes.PlainHttpAsync(target, expected, options.PlainHttpPort, cancellationToken).ConfigureAwait(false)]).ConfigureAwait(false);
        await Probe("waf.attacks", "WAF blocks the attacks", async () => await WafProbes.AttacksAsync(target, expected, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        await Probe("waf.ordinary", "ordinary requests pass the WAF", async () => await WafProbes.OrdinaryAsync(target, expected, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        await Probe("flow", "forged headers and the hops", async () => await FlowProbes.ProbeAsync(target, expected, options.Profile, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        return new VerifyReport(options.Target.ToString(), options.Profile, results);
    }
}
