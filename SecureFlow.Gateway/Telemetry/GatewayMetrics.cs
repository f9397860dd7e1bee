using System.Diagnostics.Metrics;
using System.Net.Security;
using System.Security.Authentication;
using Microsoft.Extensions.Options;
using SecureFlow.Gateway.Configuration;
using SecureFlow.Gateway.Tls;
using SecureFlow.Gateway.Waf;

namespace SecureFlow.Gateway.Telemetry;

/// <summary>The gateway's security metrics: what it accepted, what it refused and why.</summary>
public sealed class GatewayMetrics
{
    public const string MeterName = "SecureFlow.Gateway";

    private readonly KeyValuePair<string, object?> _gateway;
    private readonly Counter<long> _handshakes;
    private readonly Counter<long> _refusedHandshakes;
    private readonly Counter<long> _misdirectedRequests;
    private readonly Counter<long> _droppedRequestHeaders;
    private readonly Counter<long> _wafInspected;
    private readonly Counter<long> _wafBlocked;
    private readonly Counter<long> _wafRuleMatches;
    private readonly Counter<long> _certificateReloads;
    private readonly Counter<long> _certificateRefreshFailures;

    public GatewayMetrics(IMeterFactory meterFactory, IOptions<GatewayOptions> options)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(options);

        var meter = meterFactory.Create(MeterName);
        _gateway = new("secureflow.gateway", options.Value.Name);
        _handshakes = meter.CreateCounter<long>(
            "secureflow.gateway.tls.handshakes", "{handshake}", "TLS handshakes completed, by protocol and cipher suite.");
        _refusedHandshakes = meter.CreateCounter<long>(
            "secureflow.gateway.tls.refused_handshakes", "{handshake}", "TLS handshakes refused, by reason.");
        _misdirectedRequests = meter.CreateCounter<long>(
            "secureflow.gateway.misdirected_requests", "{request}", "Requests answered 421 because Host did not match the SNI name.");
        _droppedRequestHeaders = meter.CreateCounter<long>(
            "secureflow.gateway.dropped_request_headers", "{header}", "Request headers dropped because their names could alias another header at the backend.");
        _wafInspected = meter.CreateCounter<long>(
            "secureflow.gateway.waf.inspected_requests", "{request}", "Requests the WAF inspected, by the action taken.");
        _wafBlocked = meter.CreateCounter<long>(
            "secureflow.gateway.waf.blocked_requests", "{request}", "Requests the WAF ended (blocked, or a body larger than it inspects).");
        _wafRuleMatches = meter.CreateCounter<long>(
            "secureflow.gateway.waf.rule_matches", "{match}", "WAF rule matches, by rule id.");
        _certificateReloads = meter.CreateCounter<long>(
            "secureflow.gateway.certificate.reloads", "{reload}", "New certificates served without a restart (new Key Vault version, changed file).");
        _certificateRefreshFailures = meter.CreateCounter<long>(
            "secureflow.gateway.certificate.refresh_failures", "{refresh}", "Certificate refreshes that failed (vault unreachable, unreadable file); the cached certificates stay served.");
    }

    public void HandshakeCompleted(SslProtocols protocol, TlsCipherSuite cipherSuite) =>
        _handshakes.Add(1, _gateway, new("tls.protocol.version", TlsNames.Protocol(protocol)), new("tls.cipher", cipherSuite.ToString()));

    public void HandshakeRefused(HandshakeRefusal reason) =>
        _refusedHandshakes.Add(1, _gateway, new("reason", reason.ToTagValue()));

    public void RequestMisdirected() => _misdirectedRequests.Add(1, _gateway);

    public void RequestHeaderDropped() => _droppedRequestHeaders.Add(1, _gateway);

    public void WafInspected(WafAction action, IEnumerable<int> ruleIds)
    {
        ArgumentNullException.ThrowIfNull(ruleIds);
        _wafInspected.Add(1, _gateway, new("waf.action", action.ToTagValue()));
        if (action is WafAction.Blocked or WafAction.BodyTooLarge)
        {
            _wafBlocked.Add(1, _gateway, new("waf.action", action.ToTagValue()));
        }

        foreach (var ruleId in ruleIds)
        {
            _wafRuleMatches.Add(1, _gateway, new("waf.rule.id", ruleId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    public void CertificateReloaded() => _certificateReloads.Add(1, _gateway);

    public void CertificateRefreshFailed() => _certificateRefreshFailures.Add(1, _gateway);
}
