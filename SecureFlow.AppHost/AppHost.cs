var builder = DistributedApplication.CreateBuilder(args)
    .TrustDeveloperCertificate() // Linux: the dashboard trusts the ASP.NET Core developer certificate, as `aspire run` sets up.
    .RunProjectsFromBuildOutput(); // DCP starts each service's built program, not `dotnet run` (seconds of MSBuild per service).

// Local stand-ins for the AKS baseline's names: *.localhost is loopback (RFC 6761), no DNS change needed.
const string PublicHost = "delta.secureflow.localhost";
const string WorkloadHost = "workload.aks-ingress.secureflow.localhost";

// Every certificate and secret lives in Key Vault (locally the emulator; the development CA issues the certificates).
var vault = builder.AddKeyVault("vault");
var edgeCert = vault.AddCertificate("edge-tls", PublicHost);
var ingressCert = vault.AddCertificate("ingress-tls", "*.aks-ingress.secureflow.localhost");
// In Azure the services' mutual TLS identities are issued in the cluster (a Job at deploy, a daily CronJob), signed by a
// root key that never leaves Key Vault; locally the development CA issues them.
vault.PublishWithIdentityIssuer<Projects.SecureFlow_IdentityIssuer>();
var apiKey = vault.AddSecret("workload-api-key", builder.AddParameter("workload-api-key-value", new GenerateParameterDefault { MinLength = 32 }, secret: true));

// Egress (Azure Firewall): every service's HTTP(S) leaves through the firewall, which allows each its WithEgressTo only.
builder.AddEgressFirewall("firewall");

// Every in-cluster hop is mutual TLS: each service has its own certificate (SPIFFE id) and accepts only its callers in
// this graph (the ingress's routes, WithCallsTo). The internal API behind the workload is never routed from outside.
var orders = builder.AddProject<Projects.SecureFlow_Orders>("orders")
    .WithMutualTls(vault);

// The workload reads its own secret, with its own identity, and nothing else in the vault; it calls orders.
var workload = builder.AddProject<Projects.SecureFlow_Workload>("workload")
    .WithKeyVaultAccess(vault, KeyVaultRole.SecretsUser, apiKey)
    .WithEgressTo("api.example.org")
    .WithMutualTls(vault)
    .WithCallsTo(orders)
    .WithDashboardLinks();

// The in-cluster ingress: terminates TLS with the wildcard certificate, routes by host to the workload over mutual TLS.
var ingress = builder.AddIngressController("ingress")
    .WithTlsPolicy(TlsPolicy.Baseline)
    .WithCertificate(ingressCert)
    .WithMutualTls(vault)
    .WithRoute(WorkloadHost, workload);

// The public edge (Application Gateway WAF_v2): inspects every request with the OWASP CRS before it re-encrypts to the
// ingress, trusting only the root that issued the ingress's certificate.
builder.AddApplicationGateway("edge", port: 8443)
    .WithTlsPolicy(TlsPolicy.Baseline)
    .WithCertificate(edgeCert)
    .WithWaf(WafMode.Prevention)
    .WithBackend(ingress, WorkloadHost);

// Publish mode: infra/ (Bicep), deploy/ (Kubernetes) and azure.yaml for `azd up`, from this same model.
builder.AddAzdPublishing();

builder.Build().Run();
