using System.Diagnostics.Metrics;

namespace SecureFlow.ServiceDefaults.MutualTls;

/// <summary>The service's mutual TLS metrics: refused peers by reason, and its certificate's refreshes.</summary>
public sealed class MutualTlsMetrics
{
    public const string MeterName = "SecureFlow.MutualTls";

    private readonly Counter<long> _refused;
    private readonly Counter<long> _reloads;
    private readonly Counter<long> _refreshFailures;

    public MutualTlsMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);

        var meter = meterFactory.Create(MeterName);
        _refused = meter.CreateCounter<long>("secureflow.mtls.refused", "{connection}", "Mutual TLS peers refused, by reason.");
        _reloads = meter.CreateCounter<long>("secureflow.mtls.certificate_reloads", "{reload}", "New service certificates taken into use.");
        _refreshFailures = meter.CreateCounter<long>(
            "secureflow.mtls.certificate_refresh_failures", "{failure}", "Service certificate refreshes that failed or were refused.");
    }

    public void Refused(string reason, string caller) =>
        _refused.Add(1, new KeyValuePair<string, object?>("reason", reason), new KeyValuePair<string, object?>("caller", caller));

    public void CertificateReloaded() => _reloads.Add(1);

    public void CertificateRefreshFailed() => _refreshFailures.Add(1);
}
