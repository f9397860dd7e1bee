namespace SecureFlow.Verify.Expectations;

/// <summary>
/// The hops of the flow report, in order. Locally the edge writes a hop record too; in Azure the edge is Application
/// Gateway, which writes none (its rewrite rules only drop the one a client sends), so the report starts at the ingress.
/// </summary>
public sealed record ExpectedHops(IReadOnlyList<string> Local, IReadOnlyList<string> Azure)
{
    public IReadOnlyList<string> For(VerifyProfile profile) => profile == VerifyProfile.Local ? Local : Azure;
}
