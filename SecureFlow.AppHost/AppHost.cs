var builder = DistributedApplication.CreateBuilder(args);

// Local stand-ins for the AKS baseline's names: *.localhost is loopback (RFC 6761), no DNS change needed.
const string PublicHost = "delta.secureflow.localhost";
const string WorkloadHost = "workload.aks-ingress.secureflow.localhost";

// Issued at start by the local development CA (kept per user: trust its root once, see README).
var edgeCert = builder.AddCertificate("edge-tls", PublicHost);
var ingressCert = builder.AddCertificate("ingress-tls", "*.aks-ingress.secureflow.localhost");

var workload = builder.AddProject<Projects.SecureFlow_Workload>("workload")
    .WithEgressTo("api.example.org");

// The in-cluster ingress: terminates TLS with the wildcard certificate, routes by host to the workload over HTTP.
var ingress = builder.AddIngressController("ingress")
    .WithTlsPolicy(TlsPolicy.Baseline)
    .WithCertificate(ingressCert)
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
