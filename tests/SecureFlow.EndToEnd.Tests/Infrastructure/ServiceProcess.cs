using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace SecureFlow.EndToEnd.Tests.Infrastructure;

/// <summary>What a running service process was really given: its environment, read from the operating system.</summary>
public static class ServiceProcess
{
    /// <summary>The environment of <paramref name="service"/>'s process (Linux: <c>/proc/PID/environ</c>).</summary>
    public static async Task<IReadOnlyDictionary<string, string>> EnvironmentAsync(SecureFlowApp app, string service)
    {
        var environ = await File.ReadAllTextAsync($"/proc/{await PidAsync(app, service)}/environ", TestContext.Current.CancellationToken);
        return environ.Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(variable => variable.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .GroupBy(pair => pair[0], StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Last()[1], StringComparer.Ordinal);
    }

    /// <summary>The command line <paramref name="service"/>'s process was started with (Linux: <c>/proc/PID/cmdline</c>).</summary>
    public static async Task<IReadOnlyList<string>> CommandLineAsync(SecureFlowApp app, string service)
    {
        var cmdline = await File.ReadAllTextAsync($"/proc/{await PidAsync(app, service)}/cmdline", TestContext.Current.CancellationToken);
        return cmdline.Split('\0', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>The loopback port of the egress firewall <paramref name="service"/>'s HTTPS_PROXY names.</summary>
    public static async Task<int> ProxyPortAsync(SecureFlowApp app, string service)
    {
        var environment = await EnvironmentAsync(app, service);
        Assert.True(environment.TryGetValue("HTTPS_PROXY", out var proxy), $"'{service}' runs without HTTPS_PROXY.");
        var uri = new Uri(proxy);
        Assert.Equal("127.0.0.1", uri.Host);
        return uri.Port;
    }

    private static async Task<string?> PidAsync(SecureFlowApp app, string service)
    {
        var notifications = app.App.Services.GetRequiredService<ResourceNotificationService>();
        var resource = await notifications.WaitForResourceAsync(service, update => Pid(update) is not null, TestContext.Current.CancellationToken)
            .WaitAsync(SecureFlowApp.RequestTimeout, TestContext.Current.CancellationToken);
        return Pid(resource);
    }

    private static string? Pid(ResourceEvent resource) =>
        resource.Snapshot.Properties.FirstOrDefault(property => property.Name == "executable.pid")?.Value?.ToString();
}
