using Microsoft.Extensions.Options;
using SecureFlow.Gateway.Configuration;
using SecureFlow.ServiceDefaults.Hops;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace SecureFlow.Gateway.Transforms;

/// <summary>
/// On every route: appends this hop's <see cref="HopRecord"/> and the standard X-Forwarded-* headers. First it drops
/// every header of <see cref="GatewayOptions.ClientIdentityHeaders"/> (<c>Forwarded</c>, <c>X-Real-IP</c>, the hop
/// record, ...) that arrived, except, on a connection from <see cref="GatewayOptions.TrustedUpstreamNetworks"/>, the
/// <see cref="GatewayOptions.TrustedUpstreamHeaders"/> that hop sets itself. So neither the path a request took nor
/// the client's address can be forged: not by a client of the edge, and not by anyone who reaches the ingress around it.
/// The record names the certificate this hop presented (with its vault version) and, where a WAF inspected the request,
/// its decision (<see cref="WafVerdict"/>, set by the inspector before the request is forwarded). What the record says of
/// the connection is formatted once, after its handshake (<see cref="ConnectionHopRecord"/>).
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
        var upstream = new UpstreamTrust(gateway);

        context.UseDefaultForwarders = false;

        // First, before the X-Forwarded-* and hop transforms add what this hop vouches for: nothing a client sent about
        // its identity, the original URL or method passes, unless the trusted upstream hop set it.
        context.AddRequestTransform(transform =>
        {
            foreach (var header in upstream.HeadersToDrop(transform.HttpContext.Connection.RemoteIpAddress))
            {
                RequestTransform.RemoveHeader(transform, header);
            }

            return ValueTask.CompletedTask;
        });

        // Appended to what is left: the trusted upstream's values, or nothing.
        context.AddXForwarded(ForwardedTransformActions.Append);
        context.AddRequestTransform(transform =>
        {
            var features = transform.HttpContext.Features;
            if (features.Get<ConnectionHopRecord>() is { } connection)
            {
                transform.ProxyRequest.Headers.TryAddWithoutValidation(HopRecord.HeaderName, HopRecord.WithWaf(connection.Value, features.Get<WafVerdict>()));
            }

            return ValueTask.CompletedTask;
        });
    }
}
