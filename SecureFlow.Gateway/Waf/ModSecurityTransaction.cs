using System.Net;
using System.Runtime.InteropServices;
using System.Text;

namespace SecureFlow.Gateway.Waf;

/// <summary>
/// One request's pass through the engine, in the order ModSecurity's phases expect: connection, URI, headers, body.
/// Disposing frees the native transaction, so that no request leaks engine memory whatever way it ends.
/// </summary>
internal sealed unsafe class ModSecurityTransaction : IDisposable
{
    private readonly ModSecurityLibrary _library;
    private readonly List<string> _messages = [];
    private GCHandle _collector;
    private nint _transaction;

    public ModSecurityTransaction(ModSecurityLibrary library, nint modSecurity, nint rules)
    {
        _library = library;
        _collector = GCHandle.Alloc(_messages);
        _transaction = library.NewTransaction(modSecurity, rules, GCHandle.ToIntPtr(_collector));
        if (_transaction == 0)
        {
            _collector.Free();
            throw new InvalidOperationException("ModSecurity could not create a transaction.");
        }
    }

    /// <summary>The engine's messages for the rules that matched (ModSecurity's log format).</summary>
    public IReadOnlyList<string> RuleMessages => _messages;

    public void ProcessConnection(IPAddress? client, int clientPort, IPAddress? server, int serverPort)
    {
        fixed (byte* clientText = Text(client?.ToString() ?? "0.0.0.0"))
        fixed (byte* serverText = Text(server?.ToString() ?? "0.0.0.0"))
        {
            _library.ProcessConnection(_transaction, clientText, clientPort, serverText, serverPort);
        }
    }

    public void ProcessUri(string uri, string method, string httpVersion)
    {
        fixed (byte* uriText = Text(uri))
        fixed (byte* methodText = Text(method))
        fixed (byte* versionText = Text(httpVersion))
        {
            _library.ProcessUri(_transaction, uriText, methodText, versionText);
        }
    }

    /// <summary>Header bytes as they arrived: Kestrel decodes them as Latin-1, which maps back byte for byte.</summary>
    public void AddRequestHeader(string name, string value)
    {
        var nameBytes = Encoding.Latin1.GetBytes(name);
        var valueBytes = Encoding.Latin1.GetBytes(value);
        fixed (byte* key = nameBytes)
        fixed (byte* data = valueBytes)
        {
            _library.AddRequestHeader(_transaction, key, (nuint)nameBytes.Length, data, (nuint)valueBytes.Length);
        }
    }

    public void ProcessRequestHeaders() => _library.ProcessRequestHeaders(_transaction);

    public void AppendRequestBody(ReadOnlySpan<byte> chunk)
    {
        fixed (byte* data = chunk)
        {
            _library.AppendRequestBody(_transaction, data, (nuint)chunk.Length);
        }
    }

    public void ProcessRequestBody() => _library.ProcessRequestBody(_transaction);

    /// <summary>The status the engine ends the request with, or null when it lets the request go on.</summary>
    public int? Intervention()
    {
        var intervention = new ModSecurityIntervention { Status = StatusCodes.Status200OK };
        var disruptive = _library.Intervention(_transaction, &intervention);

        // The disruptive rule's message comes with the intervention, not through the log callback.
        if (intervention.Log != 0 && Marshal.PtrToStringUTF8(intervention.Log) is { Length: > 0 } log)
        {
            _messages.Add(log);
        }

        // The caller owns the strings the engine allocated for the intervention (C heap).
        NativeMemory.Free((void*)intervention.Url);
        NativeMemory.Free((void*)intervention.Log);
        if (disruptive == 0 && intervention.Disruptive == 0)
        {
            return null;
        }

        // Blocking is the decision; a status that is not an error (a redirect, say) must not let the request through.
        return intervention.Status is >= 400 and < 600 ? intervention.Status : StatusCodes.Status403Forbidden;
    }

    public void Dispose()
    {
        if (_transaction == 0)
        {
            return;
        }

        _library.CleanupTransaction(_transaction);
        _transaction = 0;
        _collector.Free();
    }

    private static byte[] Text(string value) => Encoding.UTF8.GetBytes(value + "\0");
}
