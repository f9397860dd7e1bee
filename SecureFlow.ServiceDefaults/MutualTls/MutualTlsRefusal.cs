namespace SecureFlow.ServiceDefaults.MutualTls;

/// <summary>Why a mutual TLS peer was refused: the <c>reason</c> of <c>secureflow.mtls.refused</c> and of the log.</summary>
public static class MutualTlsRefusal
{
    /// <summary>The client presented no certificate.</summary>
    public const string NoCertificate = "no-certificate";

    /// <summary>The certificate does not chain to the internal root, is expired, or is not for this side of TLS.</summary>
    public const string Untrusted = "untrusted";

    /// <summary>The certificate chains to the root but carries no (or more than one) SPIFFE id.</summary>
    public const string NoIdentity = "no-identity";

    /// <summary>A valid identity the model's graph does not allow to call this service.</summary>
    public const string CallerNotAllowed = "caller-not-allowed";

    /// <summary>The server is not the service the caller meant to call.</summary>
    public const string UnexpectedServer = "unexpected-server";

    /// <summary>
    /// The <c>caller</c> of a refusal's metric and span: the peer's identity when the internal root vouches for it,
    /// "unverified" when the certificate does not chain to the root (what it claims is anyone's to choose: as a metric
    /// tag it would let a client mint unbounded series), "none" without one.
    /// </summary>
    public static string Caller(string reason, string? identity) => reason == Untrusted ? "unverified" : identity ?? "none";

    /// <summary>The caller as the log line names it: a claimed, unverified identity is shown as such.</summary>
    public static string CallerForLog(string reason, string? identity) =>
        reason == Untrusted && identity is not null ? $"unverified (claims {identity})" : Caller(reason, identity);
}
