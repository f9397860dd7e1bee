using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SecureFlow.EndToEnd.Tests.Infrastructure;

/// <summary>Speaks to the egress firewall as a service would, on that service's port: a CONNECT (HTTPS) or a plain GET (HTTP).</summary>
public static class ProxyProbe
{
    /// <summary>Sends <c>CONNECT host:443</c> and returns the status and the body of the firewall's answer.</summary>
    public static Task<(int Status, string Response)> ConnectAsync(int proxyPort, string host) =>
        SendAsync(proxyPort, $"CONNECT {host}:443 HTTP/1.1\r\nHost: {host}:443\r\n\r\n");

    /// <summary>Sends <c>GET http://host/</c> through the firewall and returns the status and the body of the answer.</summary>
    public static Task<(int Status, string Response)> GetAsync(int proxyPort, string host) =>
        SendAsync(proxyPort, $"GET http://{host}/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");

    private static async Task<(int Status, string Response)> SendAsync(int proxyPort, string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, proxyPort).WaitAsync(SecureFlowApp.RequestTimeout);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request)).AsTask().WaitAsync(SecureFlowApp.RequestTimeout);

        // A denial ends with the page; Squid keeps a CONNECT's connection open after it, so read until the body is whole.
        var response = new StringBuilder();
        var buffer = new byte[8192];
        while (!IsComplete(response.ToString()))
        {
            var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(SecureFlowApp.RequestTimeout);
            if (read == 0)
            {
                break;
            }

            response.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        var text = response.ToString();
        var status = text.Length > 12 ? int.Parse(text.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture) : 0;
        return (status, text);
    }

    private static bool IsComplete(string response)
    {
        var end = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }

        var length = response[..end].Split("\r\n").FirstOrDefault(line => line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        return length is not null && Encoding.ASCII.GetByteCount(response[(end + 4)..]) >= int.Parse(length[15..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
