using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace SecureFlow.Gateway.Tests.Infrastructure;

/// <summary>A plain HTTP backend that answers every request with the body (and the header names) it received, and counts what reached it.</summary>
public sealed class EchoBackend : IAsyncDisposable
{
    /// <summary>The response header that lists the names of the request headers the backend received.</summary>
    public const string HeaderNamesEcho = "Echo-Header-Names";

    private readonly WebApplication _app;
    private int _requests;

    private EchoBackend(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    /// <summary>The path at which the backend answers with the request's headers and values.</summary>
    public const string HeadersPath = "/headers";

    public int Port { get; }

    /// <summary>How many requests reached the backend.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The gateway configuration that routes every request of the gateway's host here.</summary>
    public Dictionary<string, string?> Route() => new()
    {
        ["Gateway:Routes:backend:Hosts:0"] = InProcessGateway.HostName,
        ["Gateway:Routes:backend:Destination"] = $"http://127.0.0.1:{Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
    };

    public static async Task<EchoBackend> StartAsync()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var backend = new EchoBackend(app, port);
        app.Run(async context =>
        {
            Interlocked.Increment(ref backend._requests);
            context.Response.ContentType = "application/octet-stream";
            context.Response.Headers[HeaderNamesEcho] = string.Join(',', context.Request.Headers.Keys);
            if (context.Request.Path == HeadersPath)
            {
                // Every request header as "name: value" lines, one line per value.
                foreach (var (name, values) in context.Request.Headers)
                {
                    foreach (var value in values)
                    {
                        await context.Response.WriteAsync($"{name}: {value}\n", context.RequestAborted);
                    }
                }

                return;
            }

            await context.Request.Body.CopyToAsync(context.Response.Body, context.RequestAborted);
        });
        await app.StartAsync().WaitAsync(InProcessGateway.Timeout);
        return backend;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
