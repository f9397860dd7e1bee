using System.Diagnostics;

namespace SecureFlow.ServiceDefaults.Telemetry;

/// <summary>
/// A background operation that repeats every few seconds (a certificate poll) and would otherwise be a trace of its own
/// each time, burying the users' requests on the dashboard's Traces page. It runs under a parent that is not sampled:
/// with the default parent-based sampling, its HTTP calls record no span, and the W3C <c>traceparent</c> they carry
/// (sampled flag off) tells the service they call (the vault) not to record its side either. The operation stays
/// visible where it belongs: its metrics and its logs.
/// </summary>
public static class UntracedOperation
{
    /// <summary>Starts the unsampled parent of a background loop's iteration (no request around it); dispose it when the iteration ends.</summary>
    public static Activity Start(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);

        // Not from an ActivitySource: no listener records it; its children inherit "not sampled".
        var activity = new Activity(name);
        activity.SetIdFormat(ActivityIdFormat.W3C);
        activity.ActivityTraceFlags = ActivityTraceFlags.None;
        return activity.Start();
    }
}
