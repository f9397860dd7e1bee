using System.Security.Authentication;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.DependencyInjection;
using SecureFlow.ServiceDefaults.Hops;

namespace SecureFlow.ServiceDefaults.MutualTls;

/// <summary>
/// The mutual TLS hop a request arrived over, as this service saw it: protocol, cipher suite, both identities and the
/// certificate this service presented.
/// </summary>
public static class MutualTlsHop
{
    public static HopRecord Of(HttpContext context, string hop)
    {
        ArgumentNullException.ThrowIfNull(context);

        var tls = context.Features.Get<ITlsHandshakeFeature>();
        return new HopRecord(
            hop,
            tls?.Protocol switch { SslProtocols.Tls12 => "TLSv1.2", SslProtocols.Tls13 => "TLSv1.3", { } other => other.ToString(), null => "none" },
            tls?.NegotiatedCipherSuite?.ToString() ?? "none",
            tls?.HostName is { Length: > 0 } sni ? sni : "none",
            ServiceCertificateIdentity.Of(context.Connection.ClientCertificate) ?? "none",
            context.RequestServices.GetRequiredService<ServiceCertificate>().Identity,
            PresentedCertificate.Of(context.Features.Get<ISslStreamFeature>()?.SslStream.LocalCertificate, context.RequestServices.GetService<CertificateVersions>()));
    }
}
