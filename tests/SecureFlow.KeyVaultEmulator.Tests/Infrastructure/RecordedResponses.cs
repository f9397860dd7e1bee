using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace SecureFlow.KeyVaultEmulator.Tests.Infrastructure;

/// <summary>Every response body the vault wrote, whole, in the order written: what any caller could have read.</summary>
public sealed class RecordedResponses
{
    private readonly ConcurrentQueue<string> _bodies = new();

    public IReadOnlyCollection<string> Bodies => _bodies;

    public async Task RecordAsync(HttpContext context, RequestDelegate next)
    {
        var original = context.Response.Body;
        using var copy = new MemoryStream();
        context.Response.Body = copy;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
            _bodies.Enqueue($"{context.Request.Method} {context.Request.Path} {context.Response.StatusCode} {Encoding.UTF8.GetString(copy.ToArray())}");
            copy.Position = 0;
            await copy.CopyToAsync(original, context.RequestAborted);
        }
    }
}
