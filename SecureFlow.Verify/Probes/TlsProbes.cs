using System.Globalization;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using SecureFlow.Verify.Expectations;
using SecureFlow.Verify.Reporting;

namespace SecureFlow.Verify.Probes;

/// <summary>The edge's TLS as a client meets it: protocol versions, cipher suites, SNI and the certificate it presents.</summary>
public static class TlsProbes
{
    /// <summary>A certificate that expires sooner than this gets a warning: Key Vault renews well before (AutoRenew).</summary>
    public static readonly TimeSpan ExpiryWarning = TimeSpan.FromDays(30);

    /// <summary>A name no certificate of the edge covers, for the unknown-SNI probe (<c>.invalid</c> never resolves, RFC 6761).</summary>
    public const string UnknownServerName = "verify-unknown-name.invalid";

    private const string SslPolicyFix = "set the listener's sslPolicy from the model (infra/appgateway.bicep: policyType CustomV2, minProtocolVersion, cipherSuites), then azd provision";

    // Every TLS 1.2 suite a client here can offer, beyond the policy's: a suite the edge accepts outside the policy is a finding.
    private static readonly TlsCipherSuite[] Tls12Candidates =
    [
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_DHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_DHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
        TlsCipherSuite.TLS_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA256,
        TlsCipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA256,
        TlsCipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA,
        TlsCipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA,
    ];

    private static readonly TlsCipherSuite[] Tls13Candidates =
        [TlsCipherSuite.TLS_AES_128_GCM_SHA256, TlsCipherSuite.TLS_AES_256_GCM_SHA384, TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256];

    // The versions a handshake must succeed with are offered by SslStream; the ones it must be refused with by openssl,
    // which can still offer TLS 1.0 and 1.1 (OpenSslClient says why).
    private static readonly Dictionary<string, SslProtocols> AcceptedVersions = new(StringComparer.Ordinal)
    {
        ["TLSv1.2"] = SslProtocols.Tls12,
        ["TLSv1.3"] = SslProtocols.Tls13,
    };

    private static readonly Dictionary<string, string> OpenSslVersionOptions = new(StringComparer.Ordinal)
    {
        ["TLSv1.0"] = "-tls1",
        ["TLSv1.1"] = "-tls1_1",
        ["TLSv1.2"] = "-tls1_2",
    };

    public static async Task<IReadOnlyList<ControlResult>> ProtocolsAsync(ProbeTarget target, TlsExpectations tls, OpenSslClient openssl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(tls);
        ArgumentNullException.ThrowIfNull(openssl);
        List<ControlResult> results = [];
        foreach (var version in tls.AcceptedProtocols)
        {
            var protocol = Known(AcceptedVersions, version);
            var (accepted, observed) = await TryHandshakeAsync(target, target.Host, protocol, cancellationToken).ConfigureAwait(false);
            results.Add(ControlResult.Judge(
                $"tls.protocol.{Id(version)}", $"{version} accepted", "handshake completes", observed, accepted,
                $"{version} refused: clients that need it cannot connect (or the listener is down)",
                $"the listener's sslPolicy must have minProtocolVersion at or below {version}; " + SslPolicyFix));
        }

        foreach (var version in tls.RefusedProtocols)
        {
            var handshake = await openssl.HandshakeAsync(target, Known(OpenSslVersionOptions, version), cancellationToken).ConfigureAwait(false);
            var control = $"{version} refused";
            var id = $"tls.protocol.{Id(version)}";
            results.Add(handshake.Outcome switch
            {
                LegacyHandshakeOutcome.Refused => new ControlResult(id, control, "refused", handshake.Detail, Verdict.Pass),
                LegacyHandshakeOutcome.Accepted => new ControlResult(id, control, "refused", handshake.Detail, Verdict.Fail,
                    $"{version} accepted: a downgrade to a protocol with known weaknesses (BEAST, SHA-1 handshakes) is possible",
                    "the listener's sslPolicy must have minProtocolVersion TLSv1_2 (the model's TlsPolicy); " + SslPolicyFix),
                _ => new ControlResult(id, control, "refused", handshake.Detail, Verdict.NotProbed,
                    $"{version} not probed: this machine's client could not offer it, so nothing is known about the edge",
                    "install openssl (Debian: apt-get install openssl) or pass --openssl PATH, and run again"),
            });
        }

        return results;
    }

    public static async Task<IReadOnlyList<ControlResult>> CipherSuitesAsync(ProbeTarget target, TlsExpectations tls, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(tls);
        List<ControlResult> results = [];
        if (OperatingSystem.IsWindows())
        {
            results.Add(new("tls.suites", "TLS cipher suites", "the policy's", "cipher suites cannot be chosen per connection on Windows", Verdict.NotProbed,
                "suites not probed: Windows clients take cipher suites from the OS", "run the tool on Linux or macOS"));
            return results;
        }

        foreach (var (label, protocol, policy, candidates) in new[]
        {
            ("TLS 1.2", SslProtocols.Tls12, tls.Tls12CipherSuites, Tls12Candidates),
            ("TLS 1.3", SslProtocols.Tls13, tls.Tls13CipherSuites, Tls13Candidates),
        })
        {
            if (!tls.AcceptedProtocols.Contains(label.Replace("TLS ", "TLSv", StringComparison.Ordinal)))
            {
                continue;
            }

            List<TlsCipherSuite> accepted = [];
            foreach (var suite in candidates.Union(policy))
            {
                if (await AcceptsSuiteAsync(target, protocol, suite, cancellationToken).ConfigureAwait(false))
                {
                    accepted.Add(suite);
                }
            }

            var outside = accepted.Except(policy).ToList();
            var observed = accepted.Count == 0 ? "none accepted" : string.Join(", ", accepted);
            var notNegotiated = policy.Except(accepted).ToList();
            if (outside.Count == 0 && accepted.Count > 0 && notNegotiated.Count > 0)
            {
                // An ECDSA suite cannot be negotiated with an RSA certificate (and the other way round): not a weakness.
                observed += $" (not negotiated with this certificate's key: {string.Join(", ", notNegotiated)})";
            }

            results.Add(ControlResult.Judge(
                $"tls.suites.{label.Replace("TLS ", "tls", StringComparison.Ordinal).Replace(".", "", StringComparison.Ordinal)}",
                $"{label} cipher suites exactly the policy's",
                string.Join(", ", policy),
                observed,
                outside.Count == 0 && accepted.Count > 0,
                outside.Count > 0
                    ? $"{label} suites outside the policy accepted: {string.Join(", ", outside)}: suites the model does not allow (weaker key exchange, CBC or unvetted)"
                    : $"no {label} suite of the policy accepted",
                "the listener's sslPolicy cipherSuites must be exactly the model's TlsPolicy suites; " + SslPolicyFix));
        }

        return results;
    }

    public static async Task<IReadOnlyList<ControlResult>> SniAsync(ProbeTarget target, TlsExpectations tls, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(tls);
        const string Fix = "the HTTPS listener must be multi-site with hostNames = the public host and requireServerNameIndication: true, with no basic listener or default certificate on the frontend port (infra/appgateway.bicep)";
        List<ControlResult> results = [];
        foreach (var (id, control, serverName) in new[] { ("sni.missing", "handshake without SNI refused", (string?)null), ("sni.unknown", $"handshake for an unknown name ({UnknownServerName}) refused", UnknownServerName) })
        {
            // The server answering with a certificate is the server accepting the name; the certificate is still never
            // accepted (it cannot match), so no request is sent.
            X509Certificate2? presented = null;
            try
            {
                await using var stream = await target.HandshakeAsync(serverName, SslProtocols.None, cancellationToken, onCertificate: (certificate, _) => presented = certificate).ConfigureAwait(false);
            }
            catch (System.Net.Sockets.SocketException exception)
            {
                results.Add(new(id, control, "refused", $"no connection ({exception.Message})", Verdict.Fail,
                    "the edge could not be reached, so a refusal means nothing", "check the URL and that the listener is up"));
                continue;
            }
            catch (Exception exception) when (exception is AuthenticationException or IOException or TimeoutException)
            {
                // The handshake failed: whether the server refused is told by what it presented.
            }

            var observed = presented is null ? "refused in the handshake (no certificate presented)" : $"answered with certificate {presented.Subject}";
            results.Add(ControlResult.Judge(id, control, tls.SniRequired ? "refused" : "answered", observed, (presented is null) == tls.SniRequired,
                serverName is null
                    ? "the edge answers a client that names no host: scanners of the address learn its certificate and reach its default site"
                    : "the edge answers a name it does not serve: another site (or the default one) is reachable behind the public address",
                Fix));
            presented?.Dispose();
        }

        return results;
    }

    /// <summary>
    /// The one probe that reports the certificate presented whatever it is: it records it and the validation errors, and
    /// still accepts it only when there are none (validated against the trust root, host name checked).
    /// </summary>
    public static async Task<ControlResult> CertificateAsync(ProbeTarget target, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(time);
        X509Certificate2? presented = null;
        var errors = SslPolicyErrors.None;
        var failure = "";
        try
        {
            await using var stream = await target.HandshakeAsync(target.Host, SslProtocols.None, cancellationToken, onCertificate: (certificate, policyErrors) =>
            {
                presented = certificate;
                errors = policyErrors;
            }).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is AuthenticationException or IOException or TimeoutException or System.Net.Sockets.SocketException)
        {
            failure = exception.Message;
        }

        var trust = target.TrustRoot is null ? "the system's roots" : $"the trust root {target.TrustRoot.Subject}";
        var expected = $"valid for {target.Host}, chains to {trust}, more than {ExpiryWarning.TotalDays:0} days left";
        const string Id = "tls.certificate";
        const string Control = "certificate valid for the host";
        using (presented)
        {
            if (presented is null)
            {
                return new(Id, Control, expected, $"no certificate ({failure})", Verdict.Fail,
                    "no TLS handshake with the public host: the listener is down or refuses its own name", "check the listener's hostNames and sslCertificates (infra/appgateway.bicep) and that the gateway is running");
            }

            var left = presented.NotAfter.ToUniversalTime() - time.GetUtcNow().UtcDateTime;
            var observed = string.Create(CultureInfo.InvariantCulture, $"{presented.Subject}, issued by {presented.Issuer}, expires {presented.NotAfter.ToUniversalTime():yyyy-MM-dd} ({Math.Floor(left.TotalDays)} days)");
            if (errors != SslPolicyErrors.None)
            {
                return new(Id, Control, expected, $"{observed}; {errors}", Verdict.Fail,
                    errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)
                        ? "the certificate does not name the host: clients refuse the connection"
                        : "the certificate does not chain to a trusted root: clients refuse the connection",
                    target.TrustRoot is null
                        ? "the listener's sslCertificates must reference the Key Vault certificate for this host, issued by a public CA (with its intermediates)"
                        : "pass the root that issued the edge's certificate with --trust-root, or fix the listener's certificate");
            }

            return left < ExpiryWarning
                ? new(Id, Control, expected, observed, Verdict.Warn,
                    $"the certificate expires in {Math.Floor(left.TotalDays)} days",
                    "Key Vault renews it by its policy (AutoRenew before expiry); Application Gateway picks up the new version within 4 hours")
                : new(Id, Control, expected, observed, Verdict.Pass);
        }
    }

    private static async Task<bool> AcceptsSuiteAsync(ProbeTarget target, SslProtocols protocol, TlsCipherSuite suite, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        try
        {
            await using var stream = await target.HandshakeAsync(target.Host, protocol, cancellationToken, new CipherSuitesPolicy([suite])).ConfigureAwait(false);
            return stream.NegotiatedCipherSuite == suite;
        }
        catch (Exception exception) when (exception is AuthenticationException or IOException or TimeoutException or System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private static async Task<(bool Accepted, string Observed)> TryHandshakeAsync(ProbeTarget target, string serverName, SslProtocols protocol, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await target.HandshakeAsync(serverName, protocol, cancellationToken).ConfigureAwait(false);
            return (true, $"accepted ({stream.NegotiatedCipherSuite})");
        }
        catch (Exception exception) when (exception is AuthenticationException or IOException or TimeoutException or System.Net.Sockets.SocketException)
        {
            return (false, $"refused ({exception.InnerException?.Message ?? exception.Message})");
        }
    }

    private static T Known<T>(Dictionary<string, T> versions, string version) =>
        versions.TryGetValue(version, out var known) ? known : throw new InvalidDataException($"TLS version '{version}' cannot be probed this way (one of {string.Join(", ", versions.Keys)}).");

    private static string Id(string version) => version.Replace("TLSv", "tls", StringComparison.Ordinal).Replace(".", "", StringComparison.Ordinal);
}
