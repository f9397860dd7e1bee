using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using SecureFlow.Gateway.Tests.Infrastructure;

namespace SecureFlow.Gateway.Tests.Waf;

/// <summary>
/// The WAF's two limits, as Application Gateway's: a request body (files not counted) up to <c>RequestBodyLimitInKb</c>,
/// and file uploads (<c>multipart/form-data</c>) up to <c>FileUploadLimitInMb</c> more. An upload larger than the
/// in-memory limit is still inspected whole and forwarded, from a temporary file rather than memory; anything larger
/// than the limits is refused before it reaches the backend.
/// </summary>
public sealed class FileUploadTests
{
    private const int TenMegabytes = 10 * 1024 * 1024;

    [Fact]
    public async Task ATenMegabyteUploadIsInspectedAndForwardedIntactFromATemporaryFile()
    {
        await using var backend = await HoldingBackend.StartAsync();
        await using var gateway = await StartGatewayAsync(backend.Port, fileUploadLimitInMb: 10);
        using var client = gateway.CreateHttp2Client();
        using var content = Upload(TenMegabytes, "comment", "a fine picture");

        var sending = client.PostAsync(gateway.Uri("/upload"), content, TestContext.Current.CancellationToken);

        // The backend holds the request until the test lets it go: the gateway has read (and inspected) the whole
        // body before it forwards, so by now the body is in a temporary file, not in memory.
        await backend.Arrived.WaitAsync(InProcessGateway.Timeout, TestContext.Current.CancellationToken);
        var spooled = SpoolFiles().Where(spool => spool.Length >= TenMegabytes).ToList();
        backend.Release();
        using var response = await sending.WaitAsync(InProcessGateway.Timeout, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEmpty(spooled);
        var received = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var sent = await content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        Assert.Equal($"{sent.Length} {Convert.ToHexString(SHA256.HashData(sent))}", received);
        Assert.All(spooled, spool => Assert.False(File.Exists(spool.FullName), $"{spool.FullName} outlived its request."));
    }

    [Fact]
    public async Task AnAttackInALargeUploadsFormFieldIsStillBlocked()
    {
        using var content = Upload(1024 * 1024, "comment", "1' OR '1'='1' UNION SELECT password FROM users --");


        var (status, forwarded) = await SendAsync(content, fileUploadLimitInMb: 2);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal(0, forwarded);
    }

    [Fact]
    public async Task AnUploadLargerThanTheFileUploadLimitGets413AndNeverReachesTheBackend()
    {
        using var content = Upload(1024 * 1024 + (16 * 1024), "comment", "ok");


        var (status, forwarded) = await SendAsync(content, fileUploadLimitInMb: 1);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal(0, forwarded);
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json")]
    [InlineData("text/plain")]
    public async Task ABodyThatIsNotAFileUploadGetsOnlyTheRequestBodyLimit(string contentType)
    {
        using var content = new ByteArrayContent(new byte[9 * 1024]);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);


        var (status, forwarded) = await SendAsync(content, fileUploadLimitInMb: 10);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal(0, forwarded);
    }

    [Fact]
    public async Task AFormFieldLargerThanTheRequestBodyLimitIsRefusedEvenInAFileUpload()
    {
        using var content = Upload(1024, "comment", new string('a', 64 * 1024));


        var (status, forwarded) = await SendAsync(content, fileUploadLimitInMb: 10);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal(0, forwarded);
    }

    [Fact]
    public async Task ABodyThatOnlyClaimsToBeAFileUploadIsRefused()
    {
        using var content = new ByteArrayContent(System.Text.Encoding.ASCII.GetBytes("id=1' OR '1'='1" + new string('a', 64 * 1024)));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=none");


        var (status, forwarded) = await SendAsync(content, fileUploadLimitInMb: 10);

        Assert.True((int)status is 400 or 403, $"Got {status}.");
        Assert.Equal(0, forwarded);
    }

    [Fact]
    public async Task AnUploadFromDotnetsHttpClientWithItsQuotedBoundaryPasses()
    {
        // A field without a Content-Type, as browsers send it: StringContent's "text/plain; charset=utf-8" part header
        // is CRS rule 922110's (a part's Content-Type with parameters), a CRS decision this test is not about.
        using var content = new MultipartFormDataContent { { new ByteArrayContent("a fine picture"u8.ToArray()), "comment" } };
        content.Add(new ByteArrayContent(new byte[64 * 1024]), "picture", "picture.png");


        var (status, forwarded) = await SendAsync(content, fileUploadLimitInMb: 1);

        Assert.StartsWith("multipart/form-data; boundary=\"", content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, forwarded);
    }

    [Theory]
    [InlineData("\"SecureFlowFormBoundary\"x")]
    [InlineData("\"SecureFlow FormBoundary\"")]
    [InlineData("\"----SecureFlowFormBoundary7MA4YWxkTrZu0gW")]
    public async Task AQuotedBoundaryOtherThanRfc2046sPlainFormIsRefused(string boundary)
    {
        using var content = Upload(1024, "comment", "ok", boundary);


        var (status, forwarded) = await SendAsync(content, fileUploadLimitInMb: 1);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(0, forwarded);
    }

    /// <summary>
    /// A form with one field and one file, framed as browsers frame it (unquoted boundary, quoted names). The file's
    /// bytes are random but for '-', so that no line of it can look like a boundary to the multipart parser.
    /// </summary>
    private static ByteArrayContent Upload(int fileLength, string field, string value, string? boundaryParameter = null)
    {
        const string Boundary = "----SecureFlowFormBoundary7MA4YWxkTrZu0gW";
        var file = RandomNumberGenerator.GetBytes(fileLength);
        file.AsSpan().Replace((byte)'-', (byte)'.');
        using var body = new MemoryStream();
        void Write(string text) => body.Write(System.Text.Encoding.ASCII.GetBytes(text));
        Write($"--{Boundary}\r\nContent-Disposition: form-data; name=\"{field}\"\r\n\r\n{value}\r\n");
        Write($"--{Boundary}\r\nContent-Disposition: form-data; name=\"picture\"; filename=\"picture.png\"\r\nContent-Type: image/png\r\n\r\n");
        body.Write(file);
        Write($"\r\n--{Boundary}--\r\n");
        var content = new ByteArrayContent(body.ToArray());
        content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/form-data; boundary={boundaryParameter ?? Boundary}");
        return content;
    }

    /// <summary>Posts <paramref name="content"/> through a gateway with the WAF on; returns its status and how many requests reached the backend.</summary>
    private static async Task<(HttpStatusCode Status, int Forwarded)> SendAsync(HttpContent content, int fileUploadLimitInMb)
    {
        await using var backend = await HoldingBackend.StartAsync(hold: false);
        await using var gateway = await StartGatewayAsync(backend.Port, fileUploadLimitInMb);
        using var client = gateway.CreateHttp2Client();
        using var response = await client.PostAsync(gateway.Uri("/upload"), content, TestContext.Current.CancellationToken);
        return (response.StatusCode, backend.Requests);
    }

    private static Task<InProcessGateway> StartGatewayAsync(int backendPort, int fileUploadLimitInMb) => InProcessGateway.StartAsync(_ => new()
    {
        ["Gateway:Routes:backend:Hosts:0"] = InProcessGateway.HostName,
        ["Gateway:Routes:backend:Destination"] = $"http://127.0.0.1:{backendPort.ToString(CultureInfo.InvariantCulture)}",
        ["Waf:Mode"] = "Prevention",
        ["Waf:RequestBodyLimitInKb"] = "8",
        ["Waf:FileUploadLimitInMb"] = fileUploadLimitInMb.ToString(CultureInfo.InvariantCulture),
    });

    /// <summary>The temporary files ASP.NET Core buffers request bodies in.</summary>
    private static IEnumerable<FileInfo> SpoolFiles() =>
        new DirectoryInfo(Path.GetTempPath()).EnumerateFiles("ASPNETCORE_*.tmp").Select(file => { file.Refresh(); return file; });

    /// <summary>A backend that answers with the length and SHA-256 of the body it received, after the test releases it.</summary>
    private sealed class HoldingBackend : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _requests;

        private HoldingBackend(WebApplication app, int port)
        {
            _app = app;
            Port = port;
        }

        public int Port { get; }

        public int Requests => Volatile.Read(ref _requests);

        public Task Arrived => _arrived.Task;

        public void Release() => _released.TrySetResult();

        public static async Task<HoldingBackend> StartAsync(bool hold = true)
        {
            var port = InProcessGateway.FreePort();
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
            var app = builder.Build();
            var backend = new HoldingBackend(app, port);
            if (!hold)
            {
                backend.Release();
            }

            app.Run(async context =>
            {
                Interlocked.Increment(ref backend._requests);
                backend._arrived.TrySetResult();
                await backend._released.Task.WaitAsync(InProcessGateway.Timeout, context.RequestAborted);
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body, context.RequestAborted);
                await context.Response.WriteAsync(
                    $"{body.Length.ToString(CultureInfo.InvariantCulture)} {Convert.ToHexString(SHA256.HashData(body.ToArray()))}", context.RequestAborted);
            });
            await app.StartAsync().WaitAsync(InProcessGateway.Timeout);
            return backend;
        }

        public ValueTask DisposeAsync() => _app.DisposeAsync();
    }
}
