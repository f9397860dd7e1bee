using System.Security.Cryptography.X509Certificates;
using SecureFlow.Verify.Expectations;

namespace SecureFlow.Verify;

/// <summary>What to probe and against what.</summary>
/// <param name="Target">The edge's URL (<c>https://host[:port]/</c>).</param>
/// <param name="Expectations">What the model says a client must see.</param>
/// <param name="Profile">Local chain or Azure deployment (the hops differ).</param>
/// <param name="TrustRoot">The only root the edge's certificate may chain to; null for the system's roots (a public CA).</param>
/// <param name="PlainHttpPort">The public host's plain HTTP port.</param>
/// <param name="ProbeTimeout">The most any one connection, handshake or request may take.</param>
/// <param name="OpenSsl">The <c>openssl</c> used for the TLS 1.0/1.1 probes.</param>
public sealed record VerifyOptions(
    Uri Target,
    ChainExpectations Expectations,
    VerifyProfile Profile,
    X509Certificate2? TrustRoot,
    int PlainHttpPort = 80,
    TimeSpan? ProbeTimeout = null,
    string OpenSsl = Probes.OpenSslClient.DefaultExecutable)
{
    public static readonly TimeSpan DefaultProbeTimeout = TimeSpan.FromSeconds(10);

    public const string LocalEdge = "https://delta.secureflow.localhost:8443/";

    /// <summary>The development CA's root the AppHost keeps per user (<c>~/.local/share/SecureFlow/dev-ca/root.crt</c> on Linux).</summary>
    public static string DevelopmentRootPath => Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "SecureFlow", "dev-ca", "root.crt");
}
