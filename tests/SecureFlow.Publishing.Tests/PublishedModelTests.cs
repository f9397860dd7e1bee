using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using SecureFlow.ServiceDefaults.KeyVault;
using SecureFlow.AppHost.Publishing;
using SecureFlow.Publishing.Tests.Infrastructure;

namespace SecureFlow.Publishing.Tests;

/// <summary>A model that cannot be published says what is missing instead of writing a partial deployment.</summary>
public sealed class PublishedModelTests
{
    [Fact]
    public void AModelWithoutAnApplicationGatewayIsRefused()
    {
        var builder = DistributedApplication.CreateBuilder();
        builder.AddProject<Projects.SecureFlow_Workload>("workload");

        var failure = Assert.Throws<InvalidOperationException>(() => AzdArtifacts.Generate(builder.Resources));

        Assert.Contains("AddApplicationGateway", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AHostOutsideTheLocalDomainIsRefused()
    {
        var builder = SampleModel.Create((builder, ingress) => ingress
            .WithCertificate(SampleModel.Vault(builder).AddCertificate("other-tls", "api.example.org"))
            .WithRoute("api.example.org", builder.AddProject<Projects.SecureFlow_Workload>("api")));

        var failure = Assert.Throws<InvalidOperationException>(() => AzdArtifacts.Generate(builder.Resources));

        Assert.Contains("'api.example.org' cannot be published", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyVaultGrantsFollowTheCertificatesEachGatewayServes()
    {
        var builder = SampleModel.Create((builder, ingress) => ingress.WithCertificate(SampleModel.Vault(builder).AddCertificate("api-tls", "api.secureflow.localhost")));

        var keyVault = AzdArtifacts.Generate(builder.Resources).Single(artifact => artifact.Path == "infra/keyvault.bicep").Text;

        Assert.Contains("resource ingressReadsApiTls 'Microsoft.Authorization/roleAssignments@2022-04-01'", keyVault, StringComparison.Ordinal);
        Assert.DoesNotContain("edgeReadsApiTls", keyVault, StringComparison.Ordinal);
    }

    [Fact]
    public void WafPolicyIsTheOneTheModelGivesTheEdge()
    {
        var builder = SampleModel.Create();
        builder.CreateResourceBuilder<ApplicationGatewayResource>("edge").WithWaf(new WafPolicy(WafMode.Detection)
        {
            RequestBodyLimitInKb = 64,
            DisabledRuleIds = [920350],
            Exclusions = [new WafExclusion(WafMatchVariable.RequestArgNames, WafSelectorMatchOperator.Equals, "comment", [941100])],
        });

        var appGateway = AzdArtifacts.Generate(builder.Resources).Single(artifact => artifact.Path == "infra/appgateway.bicep").Text;

        Assert.Contains("mode: 'Detection'", appGateway, StringComparison.Ordinal);
        Assert.Contains("maxRequestBodySizeInKb: 64", appGateway, StringComparison.Ordinal);
        Assert.Matches(@"ruleGroupName: 'PROTOCOL-ENFORCEMENT'\s+rules: \[[^\]]*\{\s+ruleId: '920350'\s+state: 'Disabled'", appGateway);
        Assert.Matches(@"selector: 'comment'\s+exclusionManagedRuleSets: \[[^\]]*ruleGroupName: 'XSS'\s+rules: \[\s+\{\s+ruleId: '941100'", appGateway);
    }

    [Fact]
    public void WafParanoiaLevelApplicationGatewayCannotRunIsRefused()
    {
        var builder = SampleModel.Create();
        builder.CreateResourceBuilder<ApplicationGatewayResource>("edge").WithWaf(new WafPolicy(WafMode.Prevention) { ParanoiaLevel = 3 });

        var failure = Assert.Throws<InvalidOperationException>(() => AzdArtifacts.Generate(builder.Resources));

        Assert.Contains("paranoia levels 1 and 2 only", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyVaultGrantsAreTheModelsWithKeyVaultAccess()
    {
        var builder = SampleModel.Create((builder, ingress) =>
        {
            var vault = SampleModel.Vault(builder);
            var token = vault.AddSecret("api-token", builder.AddParameter("api-token-value", secret: true));
            builder.CreateResourceBuilder<ProjectResource>("workload").WithKeyVaultAccess(vault, KeyVaultRole.Reader, token);
        });

        var keyVault = AzdArtifacts.Generate(builder.Resources).Single(artifact => artifact.Path == "infra/keyvault.bicep").Text;

        Assert.Contains("resource workloadReadsApiToken 'Microsoft.Authorization/roleAssignments@2022-04-01'", keyVault, StringComparison.Ordinal);
        Assert.Contains("'21090545-7ca7-4776-b22c-e363652d74d2'", keyVault, StringComparison.Ordinal);
    }

    [Fact]
    public void AGrantOnTheWholeVaultIsRefused()
    {
        var builder = SampleModel.Create((builder, ingress) =>
            builder.CreateResourceBuilder<ProjectResource>("workload").WithKeyVaultAccess(SampleModel.Vault(builder), KeyVaultRole.SecretsUser));

        var failure = Assert.Throws<InvalidOperationException>(() => AzdArtifacts.Generate(builder.Resources));

        Assert.Contains("on the whole vault", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AServiceGrantedVaultObjectsIsToldWhereTheVaultIsAndWhoItIs()
    {
        var builder = SampleModel.Create((builder, ingress) =>
        {
            var vault = SampleModel.Vault(builder);
            var token = vault.AddSecret("api-token", builder.AddParameter("api-token-value", secret: true));
            builder.CreateResourceBuilder<ProjectResource>("workload").WithKeyVaultAccess(vault, KeyVaultRole.SecretsUser, token);
        });

        var artifacts = AzdArtifacts.Generate(builder.Resources);
        var workload = artifacts.Single(artifact => artifact.Path == "deploy/workload/deployment.tmpl.yaml").Text;
        var ingress = artifacts.Single(artifact => artifact.Path == "deploy/ingress/deployment.tmpl.yaml").Text;

        Assert.Contains("- name: KeyVault__Uri\n          value: ${AZURE_KEY_VAULT_ENDPOINT}", workload, StringComparison.Ordinal);
        Assert.Contains("- name: Identity__Name\n          value: workload", workload, StringComparison.Ordinal);
        Assert.DoesNotContain("KeyVault__Uri", ingress, StringComparison.Ordinal);
    }
}
