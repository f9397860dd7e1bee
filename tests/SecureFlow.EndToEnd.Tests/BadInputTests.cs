using System.Net;
using System.Net.Sockets;
using SecureFlow.EndToEnd.Tests.Infrastructure;

namespace SecureFlow.EndToEnd.Tests;

/// <summary>Bad input gets its refusal and never takes the edge down: the next good request still succeeds.</summary>
public sealed class BadInputTests(SharedApp shared)
{
    private readonly SecureFlowApp _app = shared.App;

    [Fact]
    public async Task GarbageInsteadOfClientHelloIsClosedAndTheEdgeKeepsServing()
    {
        var mark = _app.Logs.Mark("edge");
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, _app.EdgePort, TestContext.Current.CancellationToken);
        var stream = client.GetStream();

        await stream.WriteAsync("GET / HTTP/1.1\r\nHost: delta.secureflow.localhost\r\n\r\n"u8.ToArray(), TestContext.Current.CancellationToken);
        var read = await Record.ExceptionAsync(async () => Assert.Equal(0, await stream.ReadAsync(new byte[64], TestContext.Current.CancellationToken)
            .AsTask().WaitAsync(SecureFlowApp.RequestTimeout, TestContext.Current.CancellationToken)));

        Assert.True(read is null or IOException, $"Expected the edge to close the connection, got {read}.");
        await _app.Logs.WaitForAsync("edge", mark, "refused: Malformed");
        await AssertEdgeServesAsync();
    }

    [Fact]
    public async Task TruncatedHandshakeIsRefusedAndTheEdgeKeepsServing()
    {
        var mark = _app.Logs.Mark("edge");
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(IPAddress.Loopback, _app.EdgePort, TestContext.Current.CancellationToken);

            // A handshake record announcing 512 bytes, of which only the first few arrive before the client leaves.
            await client.GetStream().WriteAsync(new byte[] { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03 }, TestContext.Current.CancellationToken);
        }

        await _app.Logs.WaitForAsync("edge", mark, "refused: Incomplete");
        await AssertEdgeServesAsync();
    }

    [Fact]
    public async Task OversizedHeaderBlockGets431AndTheEdgeKeepsServing()
    {
        await using (var stream = await TlsClients.HandshakeAsync(_app.EdgePort, _app.Root, SecureFlowApp.PublicHost))
        {
            var status = await TlsClients.SendAsync(stream, SecureFlowApp.PublicHost, "/api/flow", $"X-Padding: {new string('a', 64 * 1024)}\r\n");

            Assert.Equal(431, status);
        }

        await AssertEdgeServesAsync();
    }

    private async Task AssertEdgeServesAsync()
    {
        using var client = _app.CreateClient();
        using var response = await client.GetAsync(_app.EdgeUri("/api/flow"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
