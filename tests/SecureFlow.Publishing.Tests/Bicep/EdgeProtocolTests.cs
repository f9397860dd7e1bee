using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using SecureFlow.AppHost.Publishing;
using SecureFlow.Publishing.Tests.Infrastructure;
using static SecureFlow.Publishing.Tests.Infrastructure.CompiledBicep;

namespace SecureFlow.Publishing.Tests.Bicep;

/// <summary>Application Gateway speaks the protocols the model's edge speaks locally.</summary>
public sealed class EdgeProtocolTests
{
    [Fact]
    public async Task ApplicationGatewaySpeaksHttp2AsTheLocalEdgeDoes()
    {
        var template = await TemplateAsync("infra/appgateway.bicep");

        Assert.True((bool)Resource(template, "Microsoft.Network/applicationGateways")["properties"]!["enableHttp2"]!);
    }

    [Fact]
    public void AnEdgeWithoutHttp2PublishesAnApplicationGatewayWithoutIt()
    {
        var builder = SampleModel.Create();
        builder.CreateResourceBuilder<ApplicationGatewayResource>("edge").WithHttp2(false);

        var appGateway = AzdArtifacts.Generate(builder.Resources).Single(artifact => artifact.Path == "infra/appgateway.bicep").Text;

        Assert.Contains("enableHttp2: false", appGateway, StringComparison.Ordinal);
    }
}
