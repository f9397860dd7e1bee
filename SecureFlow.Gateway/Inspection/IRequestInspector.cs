namespace SecureFlow.Gateway.Inspection;

/// <summary>
/// A step that sees every request before it is proxied and may answer it instead (a WAF, for example).
/// Registered inspectors run in registration order.
/// </summary>
public interface IRequestInspector
{
    /// <summary>Returns false when the inspector has answered the request itself and it must not be forwarded.</summary>
    ValueTask<bool> InspectAsync(HttpContext context);
}
