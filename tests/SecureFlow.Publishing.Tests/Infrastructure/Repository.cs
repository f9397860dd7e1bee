using System.Reflection;

namespace SecureFlow.Publishing.Tests.Infrastructure;

/// <summary>Where the repository and the tools the build resolved are (baked in at build time).</summary>
internal static class Repository
{
    public static string Root { get; } = Metadata("RepositoryRoot");

    /// <summary>The Bicep CLI of the Azure.Bicep.CommandLine package (restored by the build, runs offline).</summary>
    public static string BicepPath { get; } = Metadata("BicepPath").Replace('\\', '/');

    /// <summary>The azd schemas (checked out next to the repository); null when absent.</summary>
    public static string? AzdSchemas
    {
        get
        {
            var folder = Path.GetFullPath(Path.Combine(Root, "..", "shared", "data", "azd-schemas"));
            return Directory.Exists(folder) ? folder : null;
        }
    }

    private static string Metadata(string key) =>
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(attribute => attribute.Key == key).Value
            ?? throw new InvalidOperationException($"Assembly metadata {key} is missing: rebuild the test project.");
}
