namespace SecureFlow.Contracts.MutualTls;

/// <summary>
/// The service's identity for mutual TLS (section <c>MutualTls</c>): its certificate, with a SPIFFE URI SAN, from
/// Key Vault (<see cref="CertificateName"/>) or from files the CSI driver mounts; the one root its peers' certificates
/// must chain to; and, for a service that accepts calls, its TLS port and the callers the model's graph allows.
/// </summary>
public sealed class MutualTlsOptions : IServiceOptions
{
    public static string SectionName => "MutualTls";

    /// <summary>Who this service is: <c>spiffe://TRUST-DOMAIN/ns/NAMESPACE/sa/SERVICE</c>, the URI SAN of its certificate.</summary>
    public string SpiffeId { get; set; } = "";

    /// <summary>The vault certificate (with its key) the service downloads with its own identity.</summary>
    public string? CertificateName { get; set; }

    /// <summary>The vault secret with the internal root (PEM): the only trust anchor for peers' certificates.</summary>
    public string? TrustedRootSecretName { get; set; }

    /// <summary>A PEM file with the certificate (the CSI mount; may hold the key too).</summary>
    public string? CertificatePath { get; set; }

    /// <summary>A PEM file with the certificate's private key.</summary>
    public string? KeyPath { get; set; }

    /// <summary>A PEM file with the internal root.</summary>
    public string? TrustedRootPath { get; set; }

    /// <summary>How often the certificate is read again; a new one is used for new connections.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The port of the service's mutual TLS listener, or null for a service that only calls others (the ingress).</summary>
    public int? Port { get; set; }

    /// <summary>The address the listener binds: <c>localhost</c> locally, <c>0.0.0.0</c> in a pod.</summary>
    public string Address { get; set; } = "localhost";

    /// <summary>The SPIFFE ids allowed to call this service: its callers in the model's graph, nobody else.</summary>
    public List<string> AllowedCallers { get; set; } = [];
}
