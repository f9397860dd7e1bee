using System.Buffers;
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

    /// <summary>Where strings are encoded for the engine, which copies what it is given: one buffer for the whole transaction.</summary>
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(1024);

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
        var clientLength = NullTerminated(client?.ToString() ?? "0.0.0.0", 0);
        var serverOffset = clientLength;
        NullTerminated(server?.ToString() ?? "0.0.0.0", serverOffset);
        fixed (byte* text = _buffer)
        {
            _library.ProcessConnection(_transaction, text, clientPort, text + serverOffset, serverPort);
        }
    }

    public void ProcessUri(string uri, string method, string httpVersion)
    {
        var methodOffset = NullTerminated(uri, 0);
        var versionOffset = methodOffset + NullTerminated(method, methodOffset);
        NullTerminated(httpVersion, versionOffset);
        fixed (byte* text = _buffer)
        {
            _library.ProcessUri(_transaction, text, text + methodOffset, text + versionOffset);
        }
    }

    /// <summary>Header bytes as they arrived: Kestrel decodes them as Latin-1, which maps back byte for byte.</summary>
    public void AddRequestHeader(string name, string value)
    {
        Reserve(name.Length + value.Length);
        var nameLength = Encoding.Latin1.GetBytes(name, _buffer);
        var valueLength = Encoding.Latin1.GetBytes(value, _buffer.AsSpan(nameLength));
        fixed (byte* text = _buffer)
        {
            _library.AddRequestHeader(_transaction, text, (nuint)nameLength, text + nameLength, (nuint)valueLength);
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
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    /// <summary>Writes <paramref name="value"/> as UTF-8 and a NUL at <paramref name="offset"/> of the buffer; returns the bytes written.</summary>
    private int NullTerminated(string value, int offset)
    {
        Reserve(offset + Encoding.UTF8.GetMaxByteCount(value.Length) + 1);
        var length = Encoding.UTF8.GetBytes(value, _buffer.AsSpan(offset));
        _buffer[offset + length] = 0;
        return length + 1;
    }

    /// <summary>Makes the buffer hold at least <paramref name="length"/> bytes, keeping what it holds.</summary>
    private void Reserve(int length)
    {
        if (_buffer.Length >= length)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(length);
        _buffer.CopyTo(larger, 0);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}
