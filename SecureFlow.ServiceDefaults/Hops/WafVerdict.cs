namespace SecureFlow.ServiceDefaults.Hops;

/// <summary>
/// What the edge's web application firewall decided for a request it forwarded: <c>passed</c> (no rule matched) or
/// <c>detected</c> (rules matched, below the threshold or in Detection mode), and the request's inbound anomaly score.
/// A blocked request is never forwarded, so it has no hop record: its 403 carries the correlation id instead.
/// </summary>
public sealed record WafVerdict(string Decision, int AnomalyScore);
