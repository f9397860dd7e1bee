using System.ComponentModel;
using System.Diagnostics;

namespace SecureFlow.EndToEnd.Tests.Infrastructure;

/// <summary>Runs a third-party command-line tool (openssl, sslscan) to completion, bounded in time.</summary>
public static class ExternalTool
{
    public static Task<string> RunAsync(string fileName, params string[] arguments) => RunAsync(TimeSpan.FromSeconds(60), fileName, arguments);

    public static async Task<string> RunAsync(TimeSpan timeout, string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception exception)
        {
            throw new InvalidOperationException($"'{fileName}' is not installed; .ci/run installs it (apt-get install {fileName}).", exception);
        }

        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            try
            {
                await process.WaitForExitAsync().WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            return await stdout + await stderr;
        }
    }
}
