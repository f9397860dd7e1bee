using System.Net;
using SecureFlow.Contracts.Egress;

namespace SecureFlow.Workload.Apis;

/// <summary>The client of the workload's outbound call; what it reports of each call.</summary>
public sealed class EgressClient(HttpClient client)
{
    public async Task<EgressCallReport> CallAsync(EgressDestination destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);

        var uri = new Uri($"{(destination.Port == EgressDestination.HttpPort ? "http" : "https")}://{destination.Host}/");
        try
        {
            using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken);

            // Over plain HTTP the firewall answers the request itself; Squid names its error page in X-Squid-Error.
            var refusal = response.Headers.TryGetValues("X-Squid-Error", out var errors) ? errors.FirstOrDefault() : null;
            return refusal?.StartsWith("ERR_EGRESS_DENIED", StringComparison.Ordinal) is true
                ? EgressCallReport.Refused(uri, response.StatusCode, $"the egress firewall refused {destination} ({refusal})")
                : new EgressCallReport(uri.ToString(), EgressCallReport.Allowed, (int)response.StatusCode, $"{destination} answered {(int)response.StatusCode}");
        }
        catch (HttpRequestException exception) when (exception.HttpRequestError == HttpRequestError.ProxyTunnelError && exception.StatusCode == HttpStatusCode.Forbidden)
        {
            return EgressCallReport.Refused(uri, HttpStatusCode.Forbidden, $"the egress firewall refused the tunnel to {destination}: {exception.Message}");
        }
        catch (HttpRequestException exception)
        {
            return new EgressCallReport(uri.ToString(), EgressCallReport.Failed, (int?)exception.StatusCode, $"{exception.HttpRequestError}: {exception.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new EgressCallReport(uri.ToString(), EgressCallReport.Failed, null, $"no answer within {EgressApi.CallTimeout.TotalSeconds:0} s");
        }
    }
}
