namespace SecureFlow.AppHost.Publishing.IdentityIssuer;

/// <summary>On the vault: in Azure the services' mutual TLS identities are issued by this project, run in the cluster.</summary>
/// <param name="Name">Its name: the Kubernetes service account, Job and CronJob, its workload identity and azd service.</param>
/// <param name="ProjectPath">The issuer's project file, which azd builds into its image.</param>
internal sealed record IdentityIssuerAnnotation(string Name, string ProjectPath) : IResourceAnnotation;
