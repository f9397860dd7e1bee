using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Options;
using SecureFlow.Gateway.Configuration;
using SecureFlow.Gateway.Tls;
using SecureFlow.ServiceDefaults.Hops;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace SecureFlow.Gateway.Transforms;

/// <summary>
/// On every route: appends this hop's <see cref="HopRecord"/> and the standard X-Forwarded-* headers. A gateway
/// that does not trust its upstream (the public edge) first drops whatever the client sent in those headers and in
/// every other header of <see cref="GatewayOptions.ClientIdentityHeaders"/> (<c>Forwarded</c>, <c>X-Real-IP</c>, ...),
/// so neither the path a request took nor the client's address can be forged.
/// </summary>
internal sealed class HopRecordTransformProvider(IOptions<GatewayOptions> options) : ITransformProvider
{
    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        var gateway = options.Value;
        var action = gateway.TrustUpstreamHops ? ForwardedTransformActions.Append : ForwardedTransformActions.Set;

        context.UseDefaultForwarders = false;

        // First, before the X-Forwarded-* and hop transforms set what this hop vouches for: nothing a client sent about
        // its identity, the original URL or method passes a hop that does not trust its upstream.
        context.AddRequestTransform(transform =>
        {
            foreach (var header in gateway.ClientIdentityHeaders)
            {
                RequestTransform.RemoveHeader(transform, header);
            }

            return ValueTask.CompletedTask;
        });
        context.AddXForwarded(action);
        context.AddRequestTransform(transform =>
        {
            var headers = transform.ProxyRequest.Headers;
            if (!gateway.TrustUpstreamHops)
            {
                headers.Remove(HopRecord.HeaderName);
            }

            if (transform.HttpContext.Features.Get<ITlsHandshakeFeature>() is { } tls)
            {
                var record = new HopRecord(
                    gateway.Name, TlsNames.Protocol(tls.Protocol), tls.NegotiatedCipherSuite?.ToString() ?? "", tls.HostName);
                headers.TryAddWithoutValidation(HopRecord.HeaderName, record.ToString());
            }

            return ValueTask.CompletedTask;
        });
    }
}
