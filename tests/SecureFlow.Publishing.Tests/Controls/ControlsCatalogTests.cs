using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using SecureFlow.AppHost.Publishing;
using SecureFlow.AppHost.Publishing.Controls;
using SecureFlow.Publishing.Tests.Infrastructure;

namespace SecureFlow.Publishing.Tests.Controls;

/// <summary>docs/controls.md: each control the model sets has a test on each side, or says why that side does not exist.</summary>
public sealed partial class ControlsCatalogTests
{
    private static IReadOnlyList<Control> Catalog(Action<IDistributedApplicationBuilder>? change = null)
    {
        var builder = SampleModel.Create((builder, _) => change?.Invoke(builder));
        return ControlsCatalog.Build(PublishedApp.From(builder.Resources));
    }

    [Fact]
    public void EveryControlHasATestOnEachSideOrSaysWhyThatSideIsMissing()
    {
        Assert.All(Catalog(), control =>
        {
            Assert.True(control.LocalTests.Count > 0 || control.Local.StartsWith(ControlsCatalog.NotEnforcedPrefix, StringComparison.Ordinal),
                $"'{control.Name}' has no local test and does not say why it is not enforced locally.");
            Assert.True(control.PublishedTests.Count > 0 || control.Published.StartsWith(ControlsCatalog.NotEnforcedPrefix, StringComparison.Ordinal),
                $"'{control.Name}' has no published test and does not say why it is not published.");
            Assert.True(control.LocalTests.Count + control.PublishedTests.Count > 0, $"'{control.Name}' has no test on either side.");
        });
    }

    [Fact]
    public void EveryTestTheCatalogNamesExists()
    {
        var sources = Directory.EnumerateFiles(Path.Combine(Repository.Root, "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .GroupBy(path => Path.GetFileNameWithoutExtension(path))
            .ToDictionary(group => group.Key, group => string.Concat(group.Select(File.ReadAllText)));

        Assert.All(Catalog().SelectMany(control => control.LocalTests.Concat(control.PublishedTests)).Distinct(), test =>
        {
            var (type, method) = (test[..test.IndexOf('.', StringComparison.Ordinal)], test[(test.IndexOf('.', StringComparison.Ordinal) + 1)..]);
            Assert.True(sources.TryGetValue(type, out var source), $"The catalog names {test}, but there is no tests/**/{type}.cs.");
            Assert.Matches(TestMethod(method), source);
        });
    }

    [Fact]
    public void EachEgressHostAndVaultGrantOfTheModelIsARow()
    {
        var catalog = Catalog(builder => builder.CreateResourceBuilder<ProjectResource>("workload").WithEgressTo("login.example.org"));

        Assert.Contains(catalog, control => control.Name.StartsWith("Egress `login.example.org` (HTTPS) from `workload`", StringComparison.Ordinal));
        Assert.Contains(catalog, control => control.Name.StartsWith("`edge` may read `edge-tls`", StringComparison.Ordinal));
    }

    private static Regex TestMethod(string method) => new($@"public (async Task|Task|void) {Regex.Escape(method)}\(");
}
