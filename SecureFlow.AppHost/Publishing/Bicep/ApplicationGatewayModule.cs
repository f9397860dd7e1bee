using System.Globalization;
using static SecureFlow.AppHost.Publishing.Bicep.BicepSyntax;

namespace SecureFlow.AppHost.Publishing.Bicep;

/// <summary>
/// <c>infra/appgateway.bicep</c>: the edge. Application Gateway WAF_v2 with the model's TLS policy and WAF policy, an
/// HTTPS listener that requires SNI, its certificate from Key Vault, and re-encryption to the ingress trusting one root.
/// </summary>
internal static class ApplicationGatewayModule
{
    public const string Path = "infra/appgateway.bicep";

    /// <summary>
    /// The gateway serves health only on its management port, never routed outside: App Gateway probes the route
    /// itself, through the ingress to the workload, with the backend host name.
    /// </summary>
    public const string ProbePath = "/api/flow";

    public static BicepFile Build(PublishedApp app)
    {
        var edge = app.Edge;
        var backend = app.Backend;
        var listenerSecret = app.Secrets.Single(secret => secret.Certificate == edge.Certificates[0] && secret.Format == SecretFormat.Pkcs12);
        var trustedRoot = app.Secrets.Single(secret => secret.Certificate == backend.DestinationCertificate && secret.Format == SecretFormat.TrustedRoot);

        var file = new BicepFile(Path, "Application Gateway WAF_v2: the public edge, TLS policy, WAF, re-encryption to the ingress.");
        CommonParameters(file);
        file.Parameter("subnetId", "string", "The App Gateway subnet.");
        file.Parameter("identityId", "string", $"The resource id of {edge.Name}'s user-assigned identity (reads its certificates from Key Vault).");
        file.Parameter("listenerCertificateSecretUri", "string", $"The Key Vault secret URI of {listenerSecret.Name} (no version: rotation is picked up).");
        file.Parameter("trustedRootSecretUri", "string", $"The Key Vault secret URI of {trustedRoot.Name}.");
        file.Parameter("domainName", "string", "The DNS domain of the public and ingress host names.");
        file.Parameter("availabilityZones", "array", "The availability zones the gateway and its address span (none where the region has none).");

        var name = file.Variable("appGatewayName", UniqueName("agw-"));
        var backendHost = file.Variable("backendHostName", Expr(AzureHostName.InBicep(backend.DestinationHost!)),
            "The ingress's host name: the edge sends it as SNI and Host, and the ingress's certificate covers it.");

        var publicIp = file.Resource("appGatewayPublicIp", "Microsoft.Network/publicIPAddresses@2024-05-01",
            "The deployment's only public entry point.", new BicepObject
            {
                { "name", UniqueName("pip-agw-") },
                { "location", Expr("location") },
                { "sku", new BicepObject { { "name", "Standard" } } },
                { "zones", Expr("availabilityZones"), "Zone-redundant: the public entry point survives the loss of a zone." },
                { "properties", new BicepObject { { "publicIPAllocationMethod", "Static" } } },
            });

        var waf = file.Resource("wafPolicy", "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies@2024-05-01",
            "The WAF inspects every request before it reaches the cluster (OWASP CRS 3.3 based rules, known-bad bots).", new BicepObject
            {
                { "name", UniqueName("waf-") },
                { "location", Expr("location") },
                { "properties", new BicepObject
                    {
                        { "policySettings", new BicepObject
                            {
                                { "state", app.Waf.State, "The model's WAF mode: Off disables the policy, as the local edge then inspects nothing." },
                                { "mode", app.Waf.Mode, "Prevention blocks what the rules match; Detection would only log it." },
                                { "requestBodyCheck", true, "Bodies are inspected too, not just URLs and headers." },
                                { "maxRequestBodySizeInKb", app.Waf.Policy.RequestBodyLimitInKb },
                                { "requestBodyEnforcement", true, "A larger body is refused (413), as locally, not forwarded." },
                                { "requestBodyInspectLimitInKB", app.Waf.Policy.RequestBodyLimitInKb, "Every byte of a body it accepts is inspected: none passes uninspected." },
                                { "fileUploadLimitInMb", app.Waf.Policy.FileUploadLimitInMb },
                                { "fileUploadEnforcement", true, "A larger upload is refused, as locally." },
                            }
                        },
                        { "managedRules", new BicepObject
                            {
                                { "managedRuleSets", WafSettings.ManagedRuleSets.Select(set => new BicepObject
                                    {
                                        { "ruleSetType", set.Type },
                                        { "ruleSetVersion", set.Version },
                                        { "ruleGroupOverrides", set == WafSettings.DefaultRuleSet ? DisabledRules(app.Waf) : [] },
                                    })
                                },
                                { "exclusions", app.Waf.Policy.Exclusions.Select(Exclusion) },
                            }
                        },
                    }
                },
            });

        var gateway = file.Resource("appGateway", "Microsoft.Network/applicationGateways@2024-05-01",
            "The edge: terminates the client's TLS with the model's policy, inspects, and re-encrypts to the ingress.", new BicepObject
            {
                { "name", name },
                { "location", Expr("location") },
                { "zones", Expr("availabilityZones"), "Instances in every zone: the edge survives the loss of a zone." },
                { "identity", new BicepObject
                    {
                        { "type", "UserAssigned" },
                        { "userAssignedIdentities", new BicepObject { { "'${identityId}'", new BicepObject() } } },
                    }, "Its own identity reads its certificates from Key Vault: no certificate is uploaded by hand."
                },
                { "properties", new BicepObject
                    {
                        { "sku", new BicepObject { { "name", "WAF_v2" }, { "tier", "WAF_v2" } } },
                        { "autoscaleConfiguration", new BicepObject { { "minCapacity", 0 }, { "maxCapacity", 10 } } },
                        { "firewallPolicy", new BicepObject { { "id", Expr($"{waf}.id") } } },
                        { "enableHttp2", edge.Http2, "The model's listener protocols: what the local edge speaks to clients, Azure speaks too." },
                        { "sslPolicy", new BicepObject
                            {
                                { "policyType", "CustomV2" },
                                { "minProtocolVersion", edge.TlsPolicy.MinimumProtocol == TlsProtocolVersion.Tls13 ? "TLSv1_3" : "TLSv1_2", "No TLS 1.0/1.1: protocol downgrade attacks." },
                                { "cipherSuites", edge.TlsPolicy.CipherSuites.Select(suite => suite.ToString()).ToList(), "The model's suites only (TLS 1.3, then TLS 1.2): forward secrecy and authenticated encryption." },
                            }
                        },
                        { "gatewayIPConfigurations", new[] { Named("gateway", new BicepObject { { "subnet", new BicepObject { { "id", Expr("subnetId") } } } }) } },
                        { "frontendIPConfigurations", new[] { Named("public", new BicepObject { { "publicIPAddress", new BicepObject { { "id", Expr($"{publicIp}.id") } } } }) } },
                        { "frontendPorts", new[] { Named("https", new BicepObject { { "port", 443 } }) } },
                        { "sslCertificates", new[] { Named(listenerSecret.Name, new BicepObject { { "keyVaultSecretId", Expr("listenerCertificateSecretUri") } }) } },
                        { "trustedRootCertificates", new[] { Named(trustedRoot.Name, new BicepObject { { "keyVaultSecretId", Expr("trustedRootSecretUri") } }) } },
                        { "httpListeners", new[]
                            {
                                Named("public-https", new BicepObject
                                {
                                    { "frontendIPConfiguration", Child(name, "frontendIPConfigurations", "public") },
                                    { "frontendPort", Child(name, "frontendPorts", "https") },
                                    { "protocol", "Https", "No plaintext listener at all." },
                                    { "sslCertificate", Child(name, "sslCertificates", listenerSecret.Name) },
                                    { "hostNames", app.PublicHosts.Select(host => Expr(AzureHostName.InBicep(host))) },
                                    { "requireServerNameIndication", true, "A handshake without SNI is refused: no default certificate to probe for." },
                                }),
                            }
                        },
                        { "backendAddressPools", new[]
                            {
                                Named("ingress", new BicepObject
                                {
                                    { "backendAddresses", new[] { new BicepObject { { "fqdn", backendHost } } } },
                                }),
                            }
                        },
                        { "probes", new[]
                            {
                                Named("ingress", new BicepObject
                                {
                                    { "protocol", "Https" },
                                    { "host", backendHost },
                                    { "path", ProbePath },
                                    { "interval", 30 },
                                    { "timeout", 30 },
                                    { "unhealthyThreshold", 3 },
                                    { "pickHostNameFromBackendHttpSettings", false },
                                    { "match", new BicepObject { { "statusCodes", new[] { "200-399" } } } },
                                }),
                            }
                        },
                        { "backendHttpSettingsCollection", new[]
                            {
                                Named("ingress-https", new BicepObject
                                {
                                    { "port", 443 },
                                    { "protocol", "Https", "Re-encrypted to the ingress: no plaintext hop between the edge and the cluster." },
                                    { "cookieBasedAffinity", "Disabled" },
                                    { "hostName", backendHost },
                                    { "pickHostNameFromBackendAddress", false },
                                    { "requestTimeout", 20 },
                                    { "probe", Child(name, "probes", "ingress") },
                                    { "trustedRootCertificates", new[] { Child(name, "trustedRootCertificates", trustedRoot.Name) }, "The edge trusts exactly the root that issued the ingress's certificate." },
                                }),
                            }
                        },
                        { "rewriteRuleSets", new[] { Named(RewriteRuleSet, EdgeHeaders(edge)) } },
                        { "requestRoutingRules", new[]
                            {
                                Named("public-to-ingress", new BicepObject
                                {
                                    { "ruleType", "Basic" },
                                    { "priority", 100 },
                                    { "httpListener", Child(name, "httpListeners", "public-https") },
                                    { "backendAddressPool", Child(name, "backendAddressPools", "ingress") },
                                    { "backendHttpSettings", Child(name, "backendHttpSettingsCollection", "ingress-https") },
                                    { "rewriteRuleSet", Child(name, "rewriteRuleSets", RewriteRuleSet), "What a client claims about itself is dropped; HSTS is added." },
                                }),
                            }
                        },
                    }
                },
            });
        file.Resource("appGatewayDiagnostics", DiagnosticSettingsType, "WAF decisions and access logs: every blocked request is visible.", DiagnosticSettings(gateway));
        file.Output("publicIpAddress", "string", Expr($"{publicIp}.properties.ipAddress"));
        return file;
    }

    private const string RewriteRuleSet = "edge-headers";

    /// <summary>
    /// The local edge's header rules, as Application Gateway rewrites: every header of the model's
    /// <see cref="ClientIdentityHeaders"/> a client sent is removed (a header set to an empty value is deleted), the
    /// forwarding headers the edge vouches for are set from what it saw, and HSTS goes on every response.
    /// </summary>
    private static BicepObject EdgeHeaders(ApplicationGatewayResource edge)
    {
        var vouched = ClientIdentityHeaders.SetByApplicationGateway;
        var actions = new BicepObject
        {
            { "requestHeaderConfigurations", ClientIdentityHeaders.All.Select(header => new BicepObject
                {
                    { "headerName", header },
                    { "headerValue", vouched.GetValueOrDefault(header, "") },
                })
            },
        };
        if (edge.HstsMaxAge is { } maxAge)
        {
            actions.Add("responseHeaderConfigurations", new[]
            {
                new BicepObject
                {
                    { "headerName", "Strict-Transport-Security" },
                    { "headerValue", string.Create(CultureInfo.InvariantCulture, $"max-age={(long)maxAge.TotalSeconds}") },
                },
            });
        }

        return new BicepObject
        {
            { "rewriteRules", new[]
                {
                    new BicepObject
                    {
                        { "name", "client-identity-and-hsts" },
                        { "ruleSequence", 100 },
                        { "actionSet", actions },
                    },
                }
            },
        };
    }

    private static BicepObject Named(string name, BicepObject properties) => new() { { "name", name }, { "properties", properties } };

    private static BicepObject Child(BicepExpression gatewayName, string collection, string name) => new()
    {
        { "id", Expr($"resourceId('Microsoft.Network/applicationGateways/{collection}', {gatewayName}, '{name}')") },
    };

    /// <summary>The model's disabled rules and those above its paranoia level, by DRS 2.1 rule group.</summary>
    private static IEnumerable<BicepObject> DisabledRules(WafSettings waf) =>
        waf.DisabledRuleIds.GroupBy(DefaultRuleSet21.GroupOf).Select(group => new BicepObject
        {
            { "ruleGroupName", group.Key },
            { "rules", group.Select(id => new BicepObject { { "ruleId", id.ToString(CultureInfo.InvariantCulture) }, { "state", "Disabled" } }) },
        });

    /// <summary>One exclusion: for every rule when it names none, otherwise for those rules of DRS 2.1 only.</summary>
    private static BicepObject Exclusion(WafExclusion exclusion)
    {
        var result = new BicepObject
        {
            { "matchVariable", exclusion.MatchVariable.ToString() },
            { "selectorMatchOperator", exclusion.SelectorMatchOperator.ToString() },
            { "selector", exclusion.SelectorMatchOperator == WafSelectorMatchOperator.EqualsAny ? "*" : exclusion.Selector, "EqualsAny takes the selector '*' in Azure; locally it ignores the selector." },
        };
        if (exclusion.RuleIds.Count > 0)
        {
            result.Add("exclusionManagedRuleSets", new[]
            {
                new BicepObject
                {
                    { "ruleSetType", WafSettings.DefaultRuleSet.Type },
                    { "ruleSetVersion", WafSettings.DefaultRuleSet.Version },
                    { "ruleGroups", exclusion.RuleIds.GroupBy(DefaultRuleSet21.GroupOf).Select(group => new BicepObject
                        {
                            { "ruleGroupName", group.Key },
                            { "rules", group.Select(id => new BicepObject { { "ruleId", id.ToString(CultureInfo.InvariantCulture) } }) },
                        })
                    },
                },
            });
        }

        return result;
    }
}
