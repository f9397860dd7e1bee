using System.Globalization;
using System.Text;
using SecureFlow.AppHost.Networking;
using SecureFlow.AppHost.Publishing.IdentityIssuer;
using SecureFlow.Contracts.Gateways;

namespace SecureFlow.AppHost.Publishing.Controls;

/// <summary>
/// <c>docs/controls.md</c>: every control the model sets, one row each, written by the publish step from the same
/// <see cref="PublishedApp"/> as <c>infra/</c> and <c>deploy/</c> (and drift-tested like them).
/// </summary>
internal static class ControlsCatalog
{
    public const string Path = "docs/controls.md";

    /// <summary>What a side says when the control does not exist there.</summary>
    public const string NotEnforcedPrefix = "Not enforced:";

    public static IReadOnlyList<Control> Build(PublishedApp app)
    {
        ArgumentNullException.ThrowIfNull(app);

        var edge = app.Edge;
        var ingress = app.Ingress;
        var backend = app.Backend;
        List<Control> controls = [];
        foreach (var gateway in new GatewayResource[] { edge, ingress })
        {
            var isEdge = gateway == edge;
            var policy = gateway.TlsPolicy;
            var published = isEdge ? "`infra/appgateway.bicep`: `sslPolicy` (CustomV2)" : $"`deploy/{gateway.Name}/deployment.tmpl.yaml`: the same gateway, section `Tls`";
            controls.Add(new(
                $"TLS {(policy.MinimumProtocol == TlsProtocolVersion.Tls13 ? "1.3" : "1.2 and 1.3")} only at `{gateway.Name}`, suites {string.Join(", ", policy.CipherSuites.Select(suite => $"`{suite}`"))}",
                $"`{gateway.Name}.WithTlsPolicy(...)`",
                $"SecureFlow.Gateway `{gateway.Name}`: Kestrel `SslProtocols` and `CipherSuitesPolicy` (`KestrelTlsPolicy`)",
                published,
                isEdge
                    ? ["TlsPolicyTests.Tls11HandshakeIsRefusedWithProtocolVersionAlert", "TlsPolicyTests.Tls12CipherOutsideThePolicyIsRefused", "SslScanTests.EdgeOffersExactlyThePolicy"]
                    : ["SslScanTests.IngressOffersExactlyThePolicy"],
                isEdge ? ["ArmTemplateTests.EdgeIsApplicationGatewayWafV2WithTheModelsTlsPolicy"] : ["ManifestTests.IngressServesTheModelsRoutesWithItsCertificateMountedFromKeyVault"]));
            controls.Add(new(
                $"SNI required at `{gateway.Name}`: no default certificate, only {string.Join(", ", gateway.Certificates.SelectMany(certificate => certificate.DnsNames).Select(name => $"`{name}`"))}",
                string.Join(", ", gateway.Certificates.Select(certificate => $"`{gateway.Name}.WithCertificate({certificate.Name})`")),
                "the handshake callback refuses a missing or unknown SNI name (`TlsHandshakeGuard`, `SniCertificateSelector`)",
                isEdge ? "`infra/appgateway.bicep`: HTTPS listener with `hostNames` and `requireServerNameIndication`" : $"`deploy/{gateway.Name}/deployment.tmpl.yaml`: the same gateway",
                isEdge ? ["TlsPolicyTests.HandshakeWithoutSniIsRefused", "TlsPolicyTests.HandshakeForUnknownSniIsRefused"] : ["ChainTests.IngressRefusesTheEdgesPublicHostName"],
                isEdge ? ["ArmTemplateTests.ListenerIsHttpsOnlyRequiresSniAndReadsItsCertificateFromKeyVault"] : ["ManifestTests.IngressServesTheModelsRoutesWithItsCertificateMountedFromKeyVault"]));
            controls.Add(new(
                $"`{gateway.Name}` serves {string.Join(", ", gateway.Certificates.Select(certificate => $"`{certificate.Name}`"))} from Key Vault, renewed without a restart",
                string.Join(", ", gateway.Certificates.Select(certificate => $"`vault.AddCertificate(\"{certificate.Name}\", ...)`")),
                "downloaded with the gateway's own identity and polled for new versions (`KeyVaultCertificateSource`, `CertificateRefreshService`)",
                (isEdge ? "`infra/appgateway.bicep`: `sslCertificates.keyVaultSecretId`, versionless (Application Gateway polls Key Vault)" : $"`deploy/{gateway.Name}/secretproviderclass.tmpl.yaml`: Secrets Store CSI mount, files re-read")
                    + "; `infra/keyvault.bicep`: Key Vault creates it and renews it (`AutoRenew`)",
                isEdge ? ["KeyVaultTests.EdgeServesTheCertificateVersionInTheVault"] : ["KeyVaultTests.IngressServesTheWildcardCertificateVersionInTheVault"],
                isEdge
                    ? ["ArmTemplateTests.ListenerIsHttpsOnlyRequiresSniAndReadsItsCertificateFromKeyVault", "VaultCertificateTests.KeyVaultCreatesEveryCertificateWithAPolicyThatRenewsIt", "VaultCertificateTests.ApplicationGatewayReadsVersionlessSecretsAndTrustsTheIngressCertificateItself"]
                    : ["ManifestTests.IngressServesTheModelsRoutesWithItsCertificateMountedFromKeyVault", "VaultCertificateTests.KeyVaultCreatesEveryCertificateWithAPolicyThatRenewsIt"]));
        }

        controls.Add(new(
            $"Host must be the SNI name at `{edge.Name}` (else 421)",
            $"`AddApplicationGateway(\"{edge.Name}\")`",
            "`HostMatchesSniMiddleware`",
            "`infra/appgateway.bicep`: the listener answers only its `hostNames`, with SNI required",
            ["ChainTests.RequestWhoseHostDiffersFromSniGets421"],
            ["ArmTemplateTests.ListenerIsHttpsOnlyRequiresSniAndReadsItsCertificateFromKeyVault"]));
        controls.Add(new(
            $"HSTS on every response of `{edge.Name}`",
            $"`AddApplicationGateway(\"{edge.Name}\")`",
            "ASP.NET Core HSTS middleware with the model's max-age",
            "`infra/appgateway.bicep`: rewrite rule set `edge-headers`, response header `Strict-Transport-Security`",
            ["ChainTests.EdgeSendsHstsOnItsResponses"],
            ["ArmTemplateTests.EdgeDropsWhatAClientClaimsAboutItselfAndSendsHsts"]));
        controls.Add(new(
            $"`{edge.Name}` speaks {(edge.Http2 ? "HTTP/2 and HTTP/1.1" : "HTTP/1.1 only")} to clients",
            $"`{edge.Name}.WithHttp2(...)` (default on)",
            "Kestrel's listener protocols and the ALPN list (`ListenerHandshake`)",
            "`infra/appgateway.bicep`: `enableHttp2`",
            ["ListenerProtocolTests.ClientOfferingHttp2GetsHttp2ByDefault", "ListenerProtocolTests.ClientOfferingHttp2GetsHttp11WhenTheModelTurnsHttp2Off"],
            ["EdgeProtocolTests.ApplicationGatewaySpeaksHttp2AsTheLocalEdgeDoes", "EdgeProtocolTests.AnEdgeWithoutHttp2PublishesAnApplicationGatewayWithoutIt"]));
        controls.Add(new(
            $"Client identity headers dropped at `{edge.Name}`: {string.Join(", ", ClientIdentityHeaders.All.Select(header => $"`{header}`"))}",
            "`ClientIdentityHeaders.All` (the edge does not trust its upstream)",
            "`HopRecordTransformProvider` removes them before it sets `X-Forwarded-*` and the hop record",
            "`infra/appgateway.bicep`: rewrite rule set `edge-headers` (each set empty, which deletes it; `X-Forwarded-For`, `-Proto`, `-Host` set from what the gateway saw)",
            ["ChainTests.HopRecordsSentByTheClientDoNotAppearInTheFlow", "ChainTests.ForgedClientIdentityHeadersNeverReachTheWorkload"],
            ["ArmTemplateTests.EdgeDropsWhatAClientClaimsAboutItselfAndSendsHsts"]));
        controls.Add(new(
            $"`{ingress.Name}` keeps forwarding headers only from `{edge.Name}`, and only those `{edge.Name}` sets; it drops every other client identity header",
            $"`{edge.Name}.WithBackend({ingress.Name}, ...)` (the ingress's trusted upstream)",
            $"`UpstreamTrust`: from loopback (where the local `{edge.Name}` runs) {string.Join(", ", HopHeaders.SetByGateway.Select(header => $"`{header}`"))}; from anywhere else none. Every local process shares loopback, so locally this tells the edge from a remote client, not from another local process",
            $"`deploy/{ingress.Name}/deployment.tmpl.yaml`: `Gateway__TrustedUpstreamNetworks` = the App Gateway subnet `{NetworkLayout.ApplicationGatewaySubnet}` (the Service keeps client addresses: `externalTrafficPolicy: Local`), `Gateway__TrustedUpstreamHeaders` = {string.Join(", ", ClientIdentityHeaders.SetByApplicationGateway.Keys.Select(header => $"`{header}`"))} (what its rewrite rules set; no hop record)",
            ["UpstreamTrustTests.FromTheTrustedUpstreamItsHeadersAreKeptAndAppendedToAndEveryOtherIdentityHeaderIsDropped", "UpstreamTrustTests.FromAnyOtherAddressTheUpstreamsHeadersAreDroppedAndOnlyThisHopsOwnArePassed"],
            ["ManifestTests.IngressTrustsOnlyTheForwardingHeadersApplicationGatewaySetsAndOnlyFromItsSubnet"]));

        var waf = app.Waf.Policy;
        controls.Add(new(
            $"WAF {waf.Mode} at `{edge.Name}`, OWASP CRS 3.3 paranoia level {waf.ParanoiaLevel}, anomaly threshold {waf.AnomalyThreshold}",
            $"`{edge.Name}.WithWaf(...)`",
            "ModSecurity v3 with the CRS 3.3.4 in the edge's proxy pipeline (`ModSecurityInspector`)",
            $"`infra/appgateway.bicep`: WAF policy, `{WafSettings.DefaultRuleSet.Type}` {WafSettings.DefaultRuleSet.Version} (CRS 3.3 based), its rules above paranoia level {waf.ParanoiaLevel} disabled; where its rule groups differ from the CRS: `docs/deploy.md`",
            ["WafTests.SqlInjectionInTheQueryStringIsBlocked", "WafParityTests.EdgeBlocksTheCorpusAttacksAndAgreesWithTheReferenceInEveryCategory"],
            ["ArmTemplateTests.WafPolicyPreventsWithDefaultRuleSet21AndBotManager", "PublishedModelTests.WafPolicyIsTheOneTheModelGivesTheEdge", "WafRuleSetTests.PublishedPolicyTurnsOffTheDefaultRuleSetsParanoiaLevel2RulesAsTheLocalCrsRunsLevel1"]));
        controls.Add(new(
            $"Bot protection at `{edge.Name}`: `{WafSettings.ManagedRuleSets[1].Type}` {WafSettings.ManagedRuleSets[1].Version} (known-bad bots, good and unknown bots classified)",
            $"`{edge.Name}.WithWaf(...)`",
            $"{NotEnforcedPrefix} Microsoft's bot signatures and the IP reputation they use are proprietary and exist only in Application Gateway; locally the CRS's scanner detection (913100, 913110, 913120, which DRS 2.1 does not have) is the nearest rule group.",
            "`infra/appgateway.bicep`: WAF policy managed rule set",
            [],
            ["ArmTemplateTests.WafPolicyPreventsWithDefaultRuleSet21AndBotManager", "WafRuleSetTests.BotManagerRuleSetSaysWhyItIsNotEnforcedLocally"]));
        if (waf.ParanoiaLevel >= 2)
        {
            controls.Add(new(
                $"Microsoft Threat Intelligence rules at `{edge.Name}` (`MS-ThreatIntel-*` rule groups of DRS 2.1, paranoia level 2)",
                $"`{edge.Name}.WithWaf(... ParanoiaLevel = 2 ...)`",
                $"{NotEnforcedPrefix} Microsoft's own signatures, not published as ModSecurity rules; the local CRS runs its own PL2 rules instead.",
                "`infra/appgateway.bicep`: WAF policy, DRS 2.1 rule groups enabled",
                [],
                ["WafRuleSetTests.AModelAtParanoiaLevel2PublishesEveryDefaultRuleSetRule"]));
        }
        controls.Add(new(
            string.Create(CultureInfo.InvariantCulture, $"Request bodies inspected up to {waf.RequestBodyLimitInKb} KB at `{edge.Name}`, larger ones refused (413)"),
            $"`{edge.Name}.WithWaf(...)`",
            "`ModSecurityInspector`: never forwards what it has not inspected",
            "`infra/appgateway.bicep`: `maxRequestBodySizeInKb`, `requestBodyInspectLimitInKB` (the same: nothing accepted goes uninspected), `requestBodyEnforcement`",
            ["ModSecurityInspectorTests.BodyLargerThanTheInspectionLimitGets413AndNeverReachesTheBackend", "WafTests.BodyLargerThanTheWafInspectsGets413",
                "FileUploadTests.AFormFieldLargerThanTheRequestBodyLimitIsRefusedEvenInAFileUpload"],
            ["PublishedModelTests.WafPolicyIsTheOneTheModelGivesTheEdge", "WafLimitsTests.ApplicationGatewayEnforcesAndInspectsTheModelsBodyAndFileUploadLimits"]));
        controls.Add(new(
            string.Create(CultureInfo.InvariantCulture, $"File uploads (`multipart/form-data`) inspected up to {waf.FileUploadLimitInMb} MB at `{edge.Name}`, larger ones refused (413)"),
            $"`{edge.Name}.WithWaf(... FileUploadLimitInMb ...)`",
            string.Create(CultureInfo.InvariantCulture, $"`ModSecurityInspector`: the whole upload goes through the engine; past {waf.RequestBodyLimitInKb} KB the copy it forwards is spooled to a temporary file (ASP.NET Core's `FileBufferingReadStream`), deleted with the request. The engine (libmodsecurity 3) keeps its own copy in memory"),
            "`infra/appgateway.bicep`: `fileUploadLimitInMb`, `fileUploadEnforcement`",
            ["FileUploadTests.ATenMegabyteUploadIsInspectedAndForwardedIntactFromATemporaryFile", "FileUploadTests.AnUploadLargerThanTheFileUploadLimitGets413AndNeverReachesTheBackend",
                "FileUploadTests.AnAttackInALargeUploadsFormFieldIsStillBlocked"],
            ["WafLimitsTests.ApplicationGatewayEnforcesAndInspectsTheModelsBodyAndFileUploadLimits"]));
        controls.AddRange(waf.DisabledRuleIds.Select(rule => new Control(
            string.Create(CultureInfo.InvariantCulture, $"WAF rule {rule} never runs at `{edge.Name}`"),
            $"`{edge.Name}.WithWaf(... DisabledRuleIds ...)`",
            "`SecRuleRemoveById`",
            "`infra/appgateway.bicep`: rule override, state Disabled",
            ["ModSecurityDirectivesTests.ExclusionsBecomeTargetUpdatesAfterTheCrsRules"],
            ["PublishedModelTests.WafPolicyIsTheOneTheModelGivesTheEdge"])));
        controls.AddRange(waf.Exclusions.Select(exclusion => new Control(
            $"WAF exclusion at `{edge.Name}`: {exclusion.MatchVariable} {exclusion.SelectorMatchOperator} `{exclusion.Selector}` skipped by {(exclusion.RuleIds.Count == 0 ? "every rule" : string.Join(", ", exclusion.RuleIds))}",
            $"`{edge.Name}.WithWaf(... Exclusions ...)`",
            "`SecRuleUpdateTargetById`/`ByTag` after the CRS",
            "`infra/appgateway.bicep`: WAF policy exclusion",
            ["WafModeTests.ExclusionRemovesExactlyTheBlockOfItsRuleOnItsArgument"],
            ["PublishedModelTests.WafPolicyIsTheOneTheModelGivesTheEdge"])));

        controls.Add(new(
            $"`{edge.Name}` re-encrypts to `{ingress.Name}` as `{backend.DestinationHost}`, trusting only the root of `{backend.DestinationCertificate!.Name}`",
            $"`{edge.Name}.WithBackend({ingress.Name}, \"{backend.DestinationHost}\")`",
            "YARP over TLS with SNI and Host set, one trusted root read from the vault (`TrustedRootForwarderHttpClientFactory`)",
            "`infra/appgateway.bicep`: backend settings HTTPS, `hostName`, `trustedRootCertificates` from Key Vault",
            ["ChainTests.RequestWithRightSniReturnsFlowThroughFourTlsHopsTheInClusterOnesMutuallyAuthenticated", "UntrustedIngressTests.IngressPresentingACertificateTheEdgeDoesNotTrustGets502"],
            ["ArmTemplateTests.EdgeReEncryptsToTheIngressHostTrustingOnlyItsRootFromKeyVault"]));
        controls.AddRange(ingress.Routes.Select(route => new Control(
            $"`{ingress.Name}` routes `{string.Join("`, `", route.MatchHosts)}` to `{route.Destination.Name}`; nothing else reaches it",
            $"`{ingress.Name}.WithRoute(\"{route.MatchHosts[0]}\", {route.Destination.Name})`",
            "YARP route by host in the ingress",
            $"`deploy/{ingress.Name}/deployment.tmpl.yaml` (routes), `deploy/*/networkpolicies.tmpl.yaml` (default deny, one allow per edge of the graph)",
            ["ChainTests.RequestWithRightSniReturnsFlowThroughFourTlsHopsTheInClusterOnesMutuallyAuthenticated"],
            ["ManifestTests.IngressServesTheModelsRoutesWithItsCertificateMountedFromKeyVault", "NetworkPolicyTests.PoliciesOpenExactlyTheEdgesOfTheModel", "NetworkPolicyEvaluationTests.ThePublishedPoliciesAllowExactlyTheConnectionsOfTheModel"])));
        controls.AddRange(app.Calls.Where(call => ServiceGraph.ListensForMutualTls(call.Callee)).Select(call => new Control(
            $"`{call.Callee.Name}` accepts mutual TLS from `{call.Caller.Name}` only (`{ServiceGraph.IdentityOf(call.Caller)?.SpiffeId}`), with the model's TLS policy",
            $"`{call.Callee.Name}.WithMutualTls(vault)`, `{call.Caller.Name}.WithMutualTls(vault)` and the graph (`WithRoute`, `WithCallsTo`)",
            "Kestrel requires a client certificate chained to the internal root alone, with an allowed SPIFFE id (`CallerAuthorization`); the caller checks the callee's (`MutualTlsClient`)",
            $"`deploy/{call.Callee.Name}/deployment.tmpl.yaml`: the same listener on port {Kubernetes.PodPorts.Of(call.Callee)}, identity from `deploy/{call.Callee.Name}/secretproviderclass.tmpl.yaml`; `deploy/{call.Callee.Name}/networkpolicies.tmpl.yaml` admits only `{call.Caller.Name}` on that port",
            ["ChainTests.RequestWithRightSniReturnsFlowThroughFourTlsHopsTheInClusterOnesMutuallyAuthenticated", "MutualTlsTests.AValidIdentityTheGraphDoesNotAllowIsRefused",
                "MutualTlsTests.ACallerWithTheRightIdentityFromAnotherCaIsRefused", "MutualTlsTests.ACallerWithoutACertificateIsRefusedAndTheNextAllowedCallSucceeds",
                "SslScanTests.MutualTlsPortOffersExactlyThePolicy", "RotationTests.RotatedCertificatesOfEveryHopReachNewHandshakesWhileAStreamOfRequestsSeesNoFailure"],
            ["ManifestTests.EveryInClusterHopIsMutualTlsWithEachPodsOwnIdentityMountedFromKeyVault", "NetworkPolicyEvaluationTests.ThePublishedPoliciesAllowExactlyTheConnectionsOfTheModel"])));
        if (app.Issuer is { } issuer)
        {
            controls.Add(new(
                $"Service identities ({string.Join(", ", issuer.Identities.Select(identity => $"`{identity.Name}`"))}) from a root whose key never leaves Key Vault, each renewed with a new key when fewer than 30 days are left",
                $"`WithMutualTls(vault)` and `vault.PublishWithIdentityIssuer<Projects.SecureFlow_IdentityIssuer>()`",
                $"{NotEnforcedPrefix} locally the development CA (its key in the user's profile, trusted once) issues each identity at every start (valid 7 days) and imports it into the local vault. The issuer itself is tested against the local vault: Key Vault makes each key, the vault's root key signs",
                $"`deploy/{issuer.Name}/`: a Job at each deploy and a daily CronJob (`{PublishedIdentityIssuer.Schedule}`) with its own workload identity; `infra/keyvault.bicep`: key `{PublishedIdentityIssuer.RootKeyName}` (RSA, non-exportable, sign and verify only), Crypto User on that key, Certificates Officer on the vault",
                ["ServiceIdentityIssuerTests.IssuesEveryIdentityChainedToTheVaultRootWithItsSpiffeId", "ServiceIdentityIssuerTests.IdentityNearExpiryIsRenewedWithANewKeyAndTheOthersAreUntouched",
                    "ServiceIdentityIssuerTests.IssuerWithoutTheSignGrantFailsNamingTheGrantAndWritesNothing", "ServiceIdentityIssuerTests.NoVaultAnswerEverCarriedTheRootsPrivateKey"],
                ["ArmTemplateTests.TheIdentityIssuerSignsWithTheNonExportableRootKeyAloneAndManagesCertificatesOnly", "ManifestTests.TheIdentityIssuerRunsAtDeployAndDailyAsItselfHardenedAsThePods",
                    "VaultProvisioningScriptTests.EachServiceIdentityIsAPlaceholderKeyVaultMakesAndTheScriptMakesNoKey", "NetworkPolicyEvaluationTests.ThePublishedPoliciesAllowExactlyTheConnectionsOfTheModel"]));
        }

        controls.AddRange(app.RoleAssignments.Select(assignment => new Control(
            $"`{assignment.Principal}` may read `{assignment.Secret.Name}` ({assignment.Role}), nothing else in the vault",
            $"{assignment.Reason}",
            "the local Key Vault's RBAC for the service's own identity (403 `ForbiddenByRbac` otherwise)",
            "`infra/keyvault.bicep`: role assignment scoped to that one secret",
            ["VaultAccessTests.EachServiceReadsExactlyWhatTheModelGrantsIt"],
            ["PublishedModelTests.KeyVaultGrantsAreTheModelsWithKeyVaultAccess", "PublishedModelTests.KeyVaultGrantsFollowTheCertificatesEachGatewayServes"])));
        controls.AddRange(app.Pods.SelectMany(pod => PublishedApp.EgressOf(pod).Select(destination => new Control(
            $"Egress `{destination.Host}` ({destination.Protocol.ToUpperInvariant()}) from `{pod.Name}`; all other egress denied",
            $"`{pod.Name}.WithEgressTo(\"{destination}\")`",
            $"the egress firewall (`AddEgressFirewall`, Squid): `{pod.Name}`'s own proxy port allows it; anything else gets 403 naming the service and the host",
            $"`infra/firewall.bicep`: application rule collection `{pod.Name}-egress` (source: the node subnet, pods leave with their node's address); UDR sends all egress to Azure Firewall",
            ["EgressFirewallTests.WorkloadReachesItsAllowedHostThroughTheFirewall", "EgressFirewallTests.WorkloadCallToAHostOffItsAllowListIsDeniedWithTheReasonLoggedAndCounted"],
            ["ArmTemplateTests.FirewallAllowsTheModelsEgressHostsAndAksRequirementsOnly"]))));
        controls.Add(new(
            "No egress beyond the model's own services for a service without `WithEgressTo`",
            "every project of the model (`AddEgressFirewall`)",
            "the egress firewall: the service's proxy port denies every destination",
            $"{NotEnforcedPrefix} Azure Firewall sees every pod as its node's address; the NetworkPolicies decide which pods may reach the firewall at all.",
            ["EgressFirewallTests.EveryServiceWithoutEgressReachesNothingOutsideTheModel"],
            []));
        controls.Add(new(
            "AKS's required endpoints reachable from the cluster",
            "`FirewallModule` (`AksRequiredEgress`: the `AzureKubernetesService` FQDN tag and the documented names)",
            $"{NotEnforcedPrefix} locally there are no nodes: no service is allowed these names.",
            "`infra/firewall.bicep`: rule collection `aks-required`",
            [],
            ["FirewallRulesTests.FirewallAllowsAksRequiredNamesByTagAndByName"]));
        controls.Add(new(
            "Health endpoints only on the management port, never on a traffic listener",
            "`AddApplicationGateway`, `AddIngressController`, `AddKeyVault` (management endpoint)",
            "a plain loopback listener serving `/health` and `/alive` only",
            "`deploy/*/deployment.tmpl.yaml`: probes on the `management` port",
            ["GatewayTlsTelemetryTests.ManagementListenerServesHealthAndNothingElse"],
            ["ManifestTests.DeploymentsRunTwoNonRootReadOnlyReplicasOnDifferentNodesWithoutTokensOrCapabilities"]));
        controls.Add(new(
            "Management traffic: AKS API server with authorized IP ranges, Entra ID with Azure RBAC, local accounts off",
            "`builder.AddAzdPublishing()`",
            $"{NotEnforcedPrefix} there is no cluster locally; management traffic exists only in Azure.",
            "`infra/aks.bicep`",
            [],
            ["ArmTemplateTests.ClusterHasEveryBaselineSecurityControl"]));
        controls.Add(new(
            $"AKS baseline platform controls: Azure Policy (HTTPS-only ingress, internal load balancers: Deny), Defender, node OS and patch auto-upgrade, image cleaner, tainted system pool, private Premium registry, zones, NSGs on every subnet, Azure Firewall {app.FirewallTier} with threat intelligence{(app.FirewallTier == AzureFirewallTier.Premium ? ", IDPS" : "")} and DNS proxy",
            $"`builder.AddAzdPublishing({(app.FirewallTier == AzureFirewallTier.Premium ? "" : "AzureFirewallTier.Standard")})`",
            $"{NotEnforcedPrefix} there is no cluster, registry, subnet or Azure Firewall locally.",
            "`infra/aks.bicep`, `infra/network.bicep`, `infra/firewall.bicep`, `infra/appgateway.bicep` (docs/deploy.md, the AKS baseline table)",
            [],
            ["BaselineControlsTests.ClusterRunsAzurePolicyAndDefenderCleansImagesAndUpgradesItself", "BaselineControlsTests.RegistryIsPremiumPrivateAndReadableOnlyWithAnIdentity", "BaselineControlsTests.EverySubnetButTheFirewallsHasAnNsgWithExplicitRulesEndingInDenyAll", "BaselineControlsTests.FirewallIsPremiumWithThreatIntelligenceIdpsInDenyAndTheDnsProxyTheVnetUses"]));
        return controls;
    }

    public static string Render(PublishedApp app)
    {
        var text = new StringBuilder();
        text.Append("""
            # Controls

            Generated from the app model (`SecureFlow.AppHost/AppHost.cs`) by the publish step, like `infra/` and `deploy/`;
            do not edit. Every control is set once in the model and projected twice: into the local chain and into the
            deployment. A side that does not enforce a control says why. Tests are `Class.Method` under `tests/`.

            | control | set in the model | enforced locally | published as | tests, local | tests, published |
            | --- | --- | --- | --- | --- | --- |

            """);
        foreach (var control in Build(app))
        {
            text.Append(CultureInfo.InvariantCulture,
                $"| {control.Name} | {control.SetBy} | {control.Local} | {control.Published} | {Tests(control.LocalTests)} | {Tests(control.PublishedTests)} |\n");
        }

        return text.ToString();
    }

    private static string Tests(IReadOnlyList<string> tests) => tests.Count == 0 ? "—" : string.Join("<br>", tests.Select(test => $"`{test}`"));
}
