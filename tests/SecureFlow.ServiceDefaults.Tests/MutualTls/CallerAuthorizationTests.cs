using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using SecureFlow.Contracts.MutualTls;
using SecureFlow.ServiceDefaults.MutualTls;

namespace SecureFlow.ServiceDefaults.Tests.MutualTls;

/// <summary>
/// A refused caller is counted in <c>secureflow.mtls.refused</c> by reason and caller, logged with its identity (or
/// "none"), and recorded as an error span; an allowed caller records none of these. (The end-to-end tests refuse the
/// same callers over real TLS through the running services.)
/// </summary>
public sealed class CallerAuthorizationTests : IDisposable
{
    private const string Orders = "spiffe://secureflow.localhost/ns/secureflow/sa/orders";
    private const string Workload = "spiffe://secureflow.localhost/ns/secureflow/sa/workload";
    private const string Ingress = "spiffe://secureflow.localhost/ns/secureflow/sa/ingress";

    private readonly X509Certificate2 _root = TestIdentities.CreateRoot("SecureFlow test root");
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeLogger<CallerAuthorization> _logger = new();
    private readonly List<Activity> _spans = [];
    private readonly ActivityListener _listener;

    public CallerAuthorizationTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CallerAuthorization.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Add,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public static TheoryData<string?, string, string> Refusals => new()
    {
        { null, MutualTlsRefusal.NoCertificate, "none" },
        { Ingress, MutualTlsRefusal.CallerNotAllowed, Ingress },
        // What a certificate from another root claims is the client's choice: never a metric series of its own.
        { "another root", MutualTlsRefusal.Untrusted, "unverified" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void ARefusedCallerIsCountedByReasonLoggedWithItsIdentityAndTraced(string? presented, string reason, string caller)
    {
        var (authorization, refused) = Orders_AllowingTheWorkload();
        using var rogue = TestIdentities.CreateRoot("Rogue root");
        using var certificate = presented switch
        {
            null => null,
            "another root" => TestIdentities.Issue(rogue, Workload),
            _ => TestIdentities.Issue(_root, presented),
        };

        Assert.False(authorization.Accept(certificate, "127.0.0.1"));

        var measurement = Assert.Single(refused.GetMeasurementSnapshot());
        Assert.Equal(1, measurement.Value);
        Assert.Equal(reason, measurement.Tags["reason"]);
        Assert.Equal(caller, measurement.Tags["caller"]);
        var log = Assert.Single(_logger.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Warning, log.Level);
        var logged = caller == "unverified" ? $"unverified (claims {Workload})" : caller;
        Assert.Contains($"identity {logged}, reason {reason}, from 127.0.0.1", log.Message, StringComparison.Ordinal);
        var span = Assert.Single(_spans);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(reason, span.GetTagItem("secureflow.mtls.reason"));
        Assert.Equal(caller, span.GetTagItem("secureflow.mtls.caller"));
    }

    [Fact]
    public void AnAllowedCallerIsNeitherCountedNorLoggedNorTracedAsRefused()
    {
        var (authorization, refused) = Orders_AllowingTheWorkload();
        using var workload = TestIdentities.Issue(_root, Workload);

        Assert.True(authorization.Accept(workload, "127.0.0.1"));

        Assert.Empty(refused.GetMeasurementSnapshot());
        Assert.Empty(_logger.Collector.GetSnapshot());
        Assert.Empty(_spans);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
        _root.Dispose();
    }

    private (CallerAuthorization Authorization, MetricCollector<long> Refused) Orders_AllowingTheWorkload()
    {
        var options = Options.Create(new MutualTlsOptions { SpiffeId = Orders, AllowedCallers = [Workload] });
        var certificate = new ServiceCertificate(new ServiceCertificateTests.FixedSource(TestIdentities.Issue(_root, Orders), TestIdentities.Copy(_root)), options);
        var metrics = new MutualTlsMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        var refused = new MetricCollector<long>(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), MutualTlsMetrics.MeterName, "secureflow.mtls.refused");
        return (new CallerAuthorization(certificate, options, metrics, _logger), refused);
    }
}
