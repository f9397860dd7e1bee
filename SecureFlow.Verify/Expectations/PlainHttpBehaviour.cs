namespace SecureFlow.Verify.Expectations;

/// <summary>What the public host's plain HTTP port does.</summary>
public enum PlainHttpBehaviour
{
    /// <summary>No plain HTTP listener at all: nothing answers plain HTTP.</summary>
    Closed,

    /// <summary>A listener that only redirects to HTTPS (301 or 308).</summary>
    RedirectsToHttps,
}
