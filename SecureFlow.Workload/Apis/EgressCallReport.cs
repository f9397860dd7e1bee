using System.Net;

namespace SecureFlow.Workload.Apis;

/// <summary>What <c>GET /api/egress</c> reports: the call, the firewall's decision, the status and why.</summary>
public sealed record EgressCallReport(string Uri, string Decision, int? Status, string Detail)
{
    public const string Allowed = "allowed";
    public const string Denied = "denied";
    public const string Failed = "failed";

    public static EgressCallReport Refused(Uri uri, HttpStatusCode status, string detail) => new(uri.ToString(), Denied, (int)status, detail);
}
