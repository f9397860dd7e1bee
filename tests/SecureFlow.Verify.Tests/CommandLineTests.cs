using SecureFlow.Verify.Tests.Infrastructure;

namespace SecureFlow.Verify.Tests;

public sealed class CommandLineTests
{
    [Theory]
    [InlineData("http://delta.contoso.com/")]
    [InlineData("https://delta.contoso.com/api/flow")]
    [InlineData("https://delta.contoso.com/", "--bogus")]
    [InlineData("https://delta.contoso.com/", "--timeout", "soon")]
    [InlineData("https://delta.contoso.com/", "--profile", "staging")]
    [InlineData("https://delta.contoso.com/", "--trust-root", "/nonexistent/root.crt")]
    [InlineData("https://delta.contoso.com/", "--expectations", "/nonexistent/controls.json")]
    public async Task BadArgumentsExitTwoWithTheUsageAndProbeNothing(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await VerifyCommandLine.RunAsync(args, output, error, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(VerifyCommandLine.UsageError, exitCode);
        Assert.Contains("usage: dotnet run --project SecureFlow.Verify", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(output.ToString());
    }

    [Fact]
    public void APublicHostIsProbedAsTheAzureDeploymentWithTheSystemsRoots()
    {
        var (options, json) = VerifyCommandLine.Parse(["https://delta.contoso.com/", "--json"]);

        Assert.Equal(VerifyProfile.Azure, options.Profile);
        Assert.Null(options.TrustRoot);
        Assert.True(json);
        Assert.Equal(["ingress", "workload", "orders"], options.Expectations.Hops.For(options.Profile));
    }

    [Fact]
    public async Task ATrustRootThatIsALeafIssuedBySomeoneElseIsRefusedAsAUsageError()
    {
        var directory = Directory.CreateTempSubdirectory("secureflow-verify-root-");
        try
        {
            using var certificates = TestCertificates.Create(directory.FullName, "delta.contoso.com", TimeSpan.FromDays(90));
            using var output = new StringWriter();
            using var error = new StringWriter();

            var exitCode = await VerifyCommandLine.RunAsync(["https://delta.contoso.com/", "--trust-root", certificates.CertificatePath], output, error, TestContext.Current.CancellationToken)
                .WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            var (options, _) = VerifyCommandLine.Parse(["https://delta.contoso.com/", "--trust-root", certificates.RootPath]);

            Assert.Equal(VerifyCommandLine.UsageError, exitCode);
            Assert.Contains("neither a CA certificate nor self-signed", error.ToString(), StringComparison.Ordinal);
            Assert.Equal(certificates.Root.Thumbprint, options.TrustRoot?.Thumbprint);
            options.TrustRoot?.Dispose();
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
