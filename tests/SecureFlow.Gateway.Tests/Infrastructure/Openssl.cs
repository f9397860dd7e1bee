using System.Diagnostics;

namespace SecureFlow.Gateway.Tests.Infrastructure;

/// <summary>The openssl command-line tool, a TLS client that is not .NET's.</summary>
public static class Openssl
{
    /// <summary>Runs openssl with <paramref name="arguments"/> (stdin closed, so s_client ends after its handshake) and returns what it printed.</summary>
    public static async Task<string> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("openssl")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(InProcessGateway.Timeout);
        return await output.WaitAsync(InProcessGateway.Timeout) + await errors.WaitAsync(InProcessGateway.Timeout);
    }
}
