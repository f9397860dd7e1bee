using Aspire.Hosting.ApplicationModel;
using SecureFlow.Contracts.Waf;
using static SecureFlow.Publishing.Tests.Infrastructure.CompiledBicep;

namespace SecureFlow.Publishing.Tests.Bicep;

/// <summary>
/// The WAF's request limits are one model value each, projected to both sides: Application Gateway's policy refuses
/// what the local edge refuses, inspects every byte it accepts, and takes file uploads as large as the local edge does.
/// </summary>
public sealed class WafLimitsTests
{
    [Fact]
    public async Task ApplicationGatewayEnforcesAndInspectsTheModelsBodyAndFileUploadLimits()
    {
        var template = await TemplateAsync("infra/appgateway.bicep");
        var settings = Resource(template, "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies")["properties"]!["policySettings"]!;
        var model = new WafPolicy(WafMode.Prevention);
        var local = new WafOptions();

        Assert.Equal(model.RequestBodyLimitInKb, (int)settings["maxRequestBodySizeInKb"]!);
        Assert.Equal(model.RequestBodyLimitInKb, (int)settings["requestBodyInspectLimitInKB"]!);
        Assert.True((bool)settings["requestBodyCheck"]!);
        Assert.True((bool)settings["requestBodyEnforcement"]!);
        Assert.Equal(model.FileUploadLimitInMb, (int)settings["fileUploadLimitInMb"]!);
        Assert.True((bool)settings["fileUploadEnforcement"]!);

        // The local edge's defaults are the same values: a model that leaves them alone gets one behaviour on both sides.
        Assert.Equal((local.RequestBodyLimitInKb, local.FileUploadLimitInMb), (model.RequestBodyLimitInKb, model.FileUploadLimitInMb));
        Assert.Equal(10, model.FileUploadLimitInMb);
    }

    [Fact]
    public void AFileUploadLimitApplicationGatewayWouldRefuseIsRefusedInTheModel()
    {
        var failure = Assert.Throws<ArgumentException>(() => new WafPolicy(WafMode.Prevention) { FileUploadLimitInMb = 5000 }.ToOptions());

        Assert.Contains("file upload limit must be 1 to 4000 MB", failure.Message, StringComparison.Ordinal);
    }
}
