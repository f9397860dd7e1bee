using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using SecureFlow.AppHost.Configuration;
using SecureFlow.AppHost.Networking;
using SecureFlow.Contracts.Egress;
using SecureFlow.EndToEnd.Tests.Infrastructure;

namespace SecureFlow.EndToEnd.Tests;

/// <summary>
/// The local egress firewall (Squid, from the model): every service's HTTP(S) goes through it, each service on its own
/// port; the workload reaches the host the model allows it (a stand-in on loopback), every other destination is denied
/// with the service and the host named, logged and counted; the vault is reached directly, as its private endpoint is.
/// </summary>
public sealed class EgressFirewallTests(EgressFirewallTests.StandInApp fixture) : IClassFixture<EgressFirewallTests.StandInApp>
{
    public const string AllowedHost = "api.example.org";

    [Fact]
    public async Task WorkloadReachesItsAllowedHostThroughTheFirewall()
    {
        var app = fixture.App;
        var mark = app.Logs.Mark("firewall");
        using var client = app.CreateClient();

        var report = await client.GetFromJsonAsync<JsonElement>(app.EdgeUri("/api/egress"), TestContext.Current.CancellationToken);

        Assert.Equal("allowed", report.GetProperty("decision").GetString());
        Assert.Equal(200, report.GetProperty("status").GetInt32());
        Assert.Contains(fixture.StandIn.Requests, request => request is { Sni: AllowedHost, HostHeader: AllowedHost });
        var line = await app.Logs.WaitForAsync("firewall", mark, "HTTPS request from workload");
        Assert.Contains($"to {AllowedHost}:443. Action: Allow. Rule Collection: workload-egress. Rule: {AllowedHost}.", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("edge")]
    [InlineData("ingress")]
    [InlineData("vault")]
    public async Task EveryServiceWithoutEgressReachesNothingOutsideTheModel(string service)
    {
        var app = fixture.App;
        var environment = await ServiceProcess.EnvironmentAsync(app, service);
        var port = await ServiceProcess.ProxyPortAsync(app, service);
        var mark = app.Logs.Mark("firewall");

        // The host the workload may reach is no one else's, over HTTPS or HTTP.
        var (httpsStatus, httpsAnswer) = await ProxyProbe.ConnectAsync(port, AllowedHost);
        var (httpStatus, httpAnswer) = await ProxyProbe.GetAsync(port, AllowedHost);

        Assert.Equal("localhost", environment["NO_PROXY"]);
        Assert.Equal(environment["HTTPS_PROXY"], environment["HTTP_PROXY"]);
        Assert.Equal(403, httpsStatus);
        Assert.Contains($"Egress denied: {service} may not reach {AllowedHost}", httpsAnswer, StringComparison.Ordinal);
        Assert.Equal(403, httpStatus);
        Assert.Contains($"Egress denied: {service} may not reach {AllowedHost}", httpAnswer, StringComparison.Ordinal);
        var line = await app.Logs.WaitForAsync("firewall", mark, $"HTTPS request from {service} ");
        Assert.Contains($"to {AllowedHost}:443. Action: Deny. Rule Collection: {service}-egress. Reason: {AllowedHost}:443 is not on {service}'s allow-list", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VaultCallsBypassTheFirewallAndStillWork()
    {
        var app = fixture.App;
        var mark = app.Logs.Mark("firewall");
        using var client = app.CreateClient();

        using var response = await client.GetAsync(app.EdgeUri("/api/secret"), TestContext.Current.CancellationToken);
        await client.GetAsync(app.EdgeUri("/api/egress"), TestContext.Current.CancellationToken);
        await app.Logs.WaitForAsync("firewall", mark, $"to {AllowedHost}:443");

        // The SDK's transport honours HTTPS_PROXY (WithoutNoProxyTheVaultSdkMeetsTheFirewall); NO_PROXY keeps the vault direct.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(app.Logs.All("firewall").Skip(mark), line => line.Contains("to localhost:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WorkloadCallToAHostOffItsAllowListIsDeniedWithTheReasonLoggedAndCounted()
    {
        var denied = $"denied-{Guid.NewGuid():N}.example.net";

        // Anything the firewall asks DNS arrives here: with hosts entries it sends its questions to 127.0.0.1.
        using var dns = new DnsQuestions();
        using var meter = new DenialCounter(denied);
        await using var app = await SecureFlowApp.StartAsync(builder =>
        {
            builder.CreateResourceBuilder<EgressFirewallResource>("firewall").WithHostsEntry(AllowedHost, IPAddress.Loopback);

            // The workload calls a host the model does not allow it: the laptop-versus-AKS failure the firewall catches.
            builder.CreateResourceBuilder<ProjectResource>("workload").WithEnvironment(context =>
                ServiceConfiguration.Write(context.EnvironmentVariables, new EgressOptions { Destinations = [denied] }));
        });
        var mark = app.Logs.Mark("firewall");
        using var client = app.CreateClient();

        var report = await client.GetFromJsonAsync<JsonElement>(app.EdgeUri("/api/egress"), TestContext.Current.CancellationToken);
        var line = await app.Logs.WaitForAsync("firewall", mark, $"to {denied}:443");
        var (status, answer) = await ProxyProbe.ConnectAsync(await ServiceProcess.ProxyPortAsync(app, "workload"), denied);

        Assert.Equal("denied", report.GetProperty("decision").GetString());
        Assert.Equal(403, report.GetProperty("status").GetInt32());
        Assert.Contains($"the egress firewall refused the tunnel to {denied}", report.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains($"HTTPS request from workload (127.0.0.1:", line, StringComparison.Ordinal);
        Assert.Contains($"Action: Deny. Rule Collection: workload-egress. Reason: {denied}:443 is not on workload's allow-list (WithEgressTo).", line, StringComparison.Ordinal);
        Assert.True(meter.Count >= 1, $"secureflow.egress.denied_requests counted {meter.Count} denials of {denied}.");
        await app.App.Services.GetRequiredService<ResourceNotificationService>()
            .WaitForResourceAsync("firewall", update => update.Snapshot.Properties.Any(property => property.Name == EgressFirewallResourceExtensions.DeniedRequestsProperty && property.Value is >= 1L), TestContext.Current.CancellationToken)
            .WaitAsync(SecureFlowApp.RequestTimeout, TestContext.Current.CancellationToken);
        Assert.Equal(403, status);
        Assert.Contains($"Egress denied: workload may not reach {denied}", answer, StringComparison.Ordinal);
        Assert.DoesNotContain(denied, dns.Names);
    }

    [Fact]
    public async Task WithoutNoProxyTheVaultSdkMeetsTheFirewall()
    {
        await using var app = await SecureFlowApp.StartAsync(builder =>
            builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
            {
                // After the firewall has set the workload's proxy environment: the same, without the bypass.
                @event.Model.Resources.Single(resource => resource.Name == "workload").Annotations.Add(new EnvironmentCallbackAnnotation(environment =>
                {
                    environment["NO_PROXY"] = "";
                    environment["no_proxy"] = "";
                }));
                return Task.CompletedTask;
            }));
        var mark = app.Logs.Mark("firewall");
        using var client = app.CreateClient();

        using var response = await client.GetAsync(app.EdgeUri("/api/secret"), TestContext.Current.CancellationToken);
        var line = await app.Logs.WaitForAsync("firewall", mark, "HTTPS request from workload");

        Assert.False(response.IsSuccessStatusCode, $"The workload read its secret without a bypass of the firewall ({response.StatusCode}).");
        Assert.Contains("to localhost:", line, StringComparison.Ordinal);
        Assert.Contains("Action: Deny", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutSquidTheFirewallFailsToStartNamingThePackageAndEgressFailsClosed()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-squid-{Guid.NewGuid():N}", "squid");
        await using var app = await SecureFlowApp.StartAsync(configuration: [$"{EgressFirewallResourceExtensions.SquidPathKey}={missing}"]);
        var notifications = app.App.Services.GetRequiredService<ResourceNotificationService>();
        using var client = app.CreateClient();

        await notifications.WaitForResourceAsync("firewall", KnownResourceStates.FailedToStart, TestContext.Current.CancellationToken)
            .WaitAsync(SecureFlowApp.RequestTimeout, TestContext.Current.CancellationToken);
        var report = await client.GetFromJsonAsync<JsonElement>(app.EdgeUri("/api/egress"), TestContext.Current.CancellationToken);
        var port = await ServiceProcess.ProxyPortAsync(app, "workload");

        await app.Logs.WaitForAsync("firewall", 0, $"Squid is not installed ({missing} not found). Install the Debian package 'squid'");
        Assert.Equal("failed", report.GetProperty("decision").GetString());
        Assert.Contains($"127.0.0.1:{port}", report.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    /// <summary>One app for the tests that only call through it: the firewall resolves the allowed host to a stand-in the workload trusts.</summary>
    public sealed class StandInApp : IAsyncLifetime
    {
        private SecureFlowApp? _app;
        private EgressStandIn? _standIn;

        public SecureFlowApp App => _app ?? throw new InvalidOperationException("The app has not started.");

        public EgressStandIn StandIn => _standIn ?? throw new InvalidOperationException("The stand-in has not started.");

        public async ValueTask InitializeAsync()
        {
            var standIn = _standIn = EgressStandIn.Start(AllowedHost);
            _app = await SecureFlowApp.StartAsync(builder =>
            {
                builder.CreateResourceBuilder<EgressFirewallResource>("firewall").WithHostsEntry(standIn.Host, standIn.Address);
#pragma warning disable ASPIRECERTIFICATES001 // The workload trusts the stand-in's root as it trusts a public CA's.
                var root = builder.AddCertificateAuthorityCollection("egress-stand-in-root").WithCertificate(standIn.Root);
                builder.CreateResourceBuilder<ProjectResource>("workload").WithCertificateAuthorityCollection(root);
#pragma warning restore ASPIRECERTIFICATES001
            });
        }

        public async ValueTask DisposeAsync()
        {
            if (_app is not null)
            {
                await _app.DisposeAsync();
            }

            if (_standIn is not null)
            {
                await _standIn.DisposeAsync();
            }
        }
    }

    /// <summary>The names asked of a DNS server on 127.0.0.1:53 while it lives (it never answers).</summary>
    private sealed class DnsQuestions : IDisposable
    {
        private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 53));
        private readonly CancellationTokenSource _stop = new();
        private readonly List<string> _names = [];

        public DnsQuestions() => _ = ReceiveAsync();

        public IReadOnlyList<string> Names
        {
            get
            {
                lock (_names)
                {
                    return [.. _names];
                }
            }
        }

        private async Task ReceiveAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                UdpReceiveResult datagram;
                try
                {
                    datagram = await _socket.ReceiveAsync(_stop.Token);
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    return;
                }

                var labels = new List<string>();
                var buffer = datagram.Buffer;

                // The question's name follows the 12-byte header as length-prefixed labels.
                for (var index = 12; index < buffer.Length && buffer[index] != 0; index += buffer[index] + 1)
                {
                    labels.Add(System.Text.Encoding.ASCII.GetString(buffer, index + 1, Math.Min(buffer[index], buffer.Length - index - 1)));
                }

                lock (_names)
                {
                    _names.Add(string.Join('.', labels));
                }
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _socket.Dispose();
            _stop.Dispose();
        }
    }

    /// <summary>Counts <c>secureflow.egress.denied_requests</c> for one host, from the AppHost's meter (it runs in this process).</summary>
    private sealed class DenialCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _count;

        public DenialCounter(string host)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == EgressLogReceiver.MeterName && instrument.Name == "secureflow.egress.denied_requests")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag is { Key: "server.address", Value: string address } && address == host)
                    {
                        Interlocked.Add(ref _count, value);
                    }
                }
            });
            _listener.Start();
        }

        public long Count => Interlocked.Read(ref _count);

        public void Dispose() => _listener.Dispose();
    }
}
