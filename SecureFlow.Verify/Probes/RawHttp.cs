using System.Globalization;
using System.Text;

namespace SecureFlow.Verify.Probes;

/// <summary>One HTTP/1.1 request written as is (a Host the client library would not send), and the status line read back, bounded.</summary>
public static class RawHttp
{
    private const int MaxStatusLine = 8 * 1024;

    /// <summary>Returns the status code, or null when the connection closed before a status line.</summary>
    public static async Task<int?> SendAsync(Stream stream, string request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), cancellationToken).AsTask().WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        var buffer = new byte[MaxStatusLine];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).AsTask().WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            length += read;
            if (Array.IndexOf(buffer, (byte)'\n', 0, length) >= 0)
            {
                break;
            }
        }

        var line = Encoding.ASCII.GetString(buffer, 0, length).Split('\n')[0];
        var parts = line.Split(' ', 3);
        return parts.Length > 1 && parts[0].StartsWith("HTTP/", StringComparison.Ordinal)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status) ? status : null;
    }

    public static string Get(string host, string path) => $"GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: SecureFlow.Verify\r\nConnection: close\r\n\r\n";
}
