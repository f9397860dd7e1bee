using System.Security.Cryptography.X509Certificates;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using SecureFlow.AppHost.Certificates;
using SecureFlow.AppHost.Networking;
using SecureFlow.EndToEnd.Tests.Infrastructure;

namespace SecureFlow.EndToEnd.Tests;

/// <summary>
/// Attacks on the in-cluster hops, straight at the workload's and orders' mutual TLS ports: only a caller the model's
/// graph allows, with a certificate from the internal root, gets an answer; each refusal is logged with the caller's
/// identity, and the next allowed call still succeeds.
/// </summary>
public sealed class MutualTlsTests(SharedApp shared) : IDisposable
{
    private readonly SecureFlowApp _app = shared.App;
    private readonly DevelopmentCertificateAuthority _authority = DevelopmentCertificateAuthority.LoadOrCreate(DevelopmentCertificateAuthority.DefaultDirectory);

    public static TheoryData<string, string> NotAllowed => new()
    {
        { "workload", "edge" },
        { "orders", "ingress" },
        { "orders", "orders" },
    };

    [Theory]
    [InlineData("workload")]
    [InlineData("orders")]
    public async Task ACallerWithoutACertificateIsRefusedAndTheNextAllowedCallSucceeds(string service)
    {
        var mark = _app.Logs.Mark(service);

        Assert.False(await CallAsync(service, clientCertificate: null));

        await _app.Logs.WaitForAsync(service, mark, "identity none, reason no-certificate");
        Assert.True(await CallAsync(service, Issue(AllowedCallerOf(service))));
    }

    [Theory]
    [InlineData("workload")]
    [InlineData("orders")]
    public async Task ACallerWithTheRightIdentityFromAnotherCaIsRefused(string service)
    {
        var rogueDirectory = Directory.CreateTempSubdirectory("secureflow-rogue-ca-");
        try
        {
            using var rogue = DevelopmentCertificateAuthority.LoadOrCreate(rogueDirectory.FullName);
            using var forged = rogue.IssueServerCertificate([$"{AllowedCallerOf(service)}.secureflow.localhost"], ServiceGraph.SpiffeIdOf(AllowedCallerOf(service)));
            var mark = _app.Logs.Mark(service);

            Assert.False(await CallAsync(service, forged));

            await _app.Logs.WaitForAsync(service, mark, $"identity unverified (claims {ServiceGraph.SpiffeIdOf(AllowedCallerOf(service))}), reason untrusted");
            Assert.True(await CallAsync(service, Issue(AllowedCallerOf(service))));
        }
        finally
        {
            rogueDirectory.Delete(recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(NotAllowed))]
    public async Task AValidIdentityTheGraphDoesNotAllowIsRefused(string service, string caller)
    {
        var mark = _app.Logs.Mark(service);

        Assert.False(await CallAsync(service, Issue(caller)));

        await _app.Logs.WaitForAsync(service, mark, $"identity {ServiceGraph.SpiffeIdOf(caller)}, reason caller-not-allowed");
        Assert.True(await CallAsync(service, Issue(AllowedCallerOf(service))));
    }

    [Theory]
    [InlineData("workload")]
    [InlineData("orders")]
    public async Task TheManagementPortAnswersHealthButNeverTheApi(string service)
    {
        using var client = new HttpClient();
        var management = _app.App.GetEndpoint(service, "http");

        using var health = await client.GetAsync(new Uri(management, "/health"), TestContext.Current.CancellationToken).WaitAsync(SecureFlowApp.RequestTimeout, TestContext.Current.CancellationToken);
        using var api = await client.GetAsync(new Uri(management, Path(service)), TestContext.Current.CancellationToken).WaitAsync(SecureFlowApp.RequestTimeout, TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, api.StatusCode);
    }

    public void Dispose() => _authority.Dispose();

    private static string AllowedCallerOf(string service) => service == "workload" ? "ingress" : "workload";

    private static string Path(string service) => service == "workload" ? "/api/flow" : "/api/orders";

    private X509Certificate2 Issue(string service) =>
        _authority.IssueServerCertificate([$"{service}.secureflow.localhost"], ServiceGraph.SpiffeIdOf(service));

    /// <summary>One request straight to the service's mutual TLS port: true for a 200, false when the handshake or the connection was refused.</summary>
    private async Task<bool> CallAsync(string service, X509Certificate2? clientCertificate)
    {
        using (clientCertificate)
        {
            var port = _app.App.GetEndpoint(service, MutualTlsResourceExtensions.MutualTlsEndpointName).Port;
            try
            {
                await using var stream = await TlsClients.HandshakeAsync(port, _app.Root, $"{service}.secureflow.localhost", clientCertificate: clientCertificate);
                return await TlsClients.SendAsync(stream, $"{service}.secureflow.localhost", Path(service)) == 200;
            }
            catch (Exception exception) when (exception is IOException or System.Security.Authentication.AuthenticationException)
            {
                // TLS 1.3 reports a refused client certificate after the client's side of the handshake, at the first read.
                return false;
            }
        }
    }
}
