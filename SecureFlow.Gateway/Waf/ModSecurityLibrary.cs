using System.Runtime.InteropServices;

namespace SecureFlow.Gateway.Waf;

/// <summary>
/// The C API of ModSecurity v3 (<c>modsecurity/modsecurity.h</c>, <c>transaction.h</c>, <c>rules_set.h</c>), bound at run
/// time so that a machine without <c>libmodsecurity3</c> gets a clear report instead of a crash.
/// </summary>
internal sealed unsafe class ModSecurityLibrary
{
    private ModSecurityLibrary(nint handle)
    {
        Init = (delegate* unmanaged<nint>)Export(handle, "msc_init");
        WhoAmI = (delegate* unmanaged<nint, nint>)Export(handle, "msc_who_am_i");
        SetConnectorInfo = (delegate* unmanaged<nint, byte*, void>)Export(handle, "msc_set_connector_info");
        SetLogCallback = (delegate* unmanaged<nint, delegate* unmanaged<nint, nint, void>, void>)Export(handle, "msc_set_log_cb");
        Cleanup = (delegate* unmanaged<nint, void>)Export(handle, "msc_cleanup");
        CreateRulesSet = (delegate* unmanaged<nint>)Export(handle, "msc_create_rules_set");
        AddRules = (delegate* unmanaged<nint, byte*, byte**, int>)Export(handle, "msc_rules_add");
        CleanupRules = (delegate* unmanaged<nint, int>)Export(handle, "msc_rules_cleanup");
        NewTransaction = (delegate* unmanaged<nint, nint, nint, nint>)Export(handle, "msc_new_transaction");
        ProcessConnection = (delegate* unmanaged<nint, byte*, int, byte*, int, int>)Export(handle, "msc_process_connection");
        ProcessUri = (delegate* unmanaged<nint, byte*, byte*, byte*, int>)Export(handle, "msc_process_uri");
        AddRequestHeader = (delegate* unmanaged<nint, byte*, nuint, byte*, nuint, int>)Export(handle, "msc_add_n_request_header");
        ProcessRequestHeaders = (delegate* unmanaged<nint, int>)Export(handle, "msc_process_request_headers");
        AppendRequestBody = (delegate* unmanaged<nint, byte*, nuint, int>)Export(handle, "msc_append_request_body");
        ProcessRequestBody = (delegate* unmanaged<nint, int>)Export(handle, "msc_process_request_body");
        Intervention = (delegate* unmanaged<nint, ModSecurityIntervention*, int>)Export(handle, "msc_intervention");
        CleanupTransaction = (delegate* unmanaged<nint, void>)Export(handle, "msc_transaction_cleanup");
    }

    public delegate* unmanaged<nint> Init { get; }

    public delegate* unmanaged<nint, nint> WhoAmI { get; }

    public delegate* unmanaged<nint, byte*, void> SetConnectorInfo { get; }

    public delegate* unmanaged<nint, delegate* unmanaged<nint, nint, void>, void> SetLogCallback { get; }

    public delegate* unmanaged<nint, void> Cleanup { get; }

    public delegate* unmanaged<nint> CreateRulesSet { get; }

    /// <summary>Returns the number of rules added, or -1 with an error string the caller frees.</summary>
    public delegate* unmanaged<nint, byte*, byte**, int> AddRules { get; }

    public delegate* unmanaged<nint, int> CleanupRules { get; }

    /// <summary>The third argument comes back as the first argument of the log callback.</summary>
    public delegate* unmanaged<nint, nint, nint, nint> NewTransaction { get; }

    public delegate* unmanaged<nint, byte*, int, byte*, int, int> ProcessConnection { get; }

    /// <summary>Transaction, URI, method, HTTP version ("1.1").</summary>
    public delegate* unmanaged<nint, byte*, byte*, byte*, int> ProcessUri { get; }

    public delegate* unmanaged<nint, byte*, nuint, byte*, nuint, int> AddRequestHeader { get; }

    public delegate* unmanaged<nint, int> ProcessRequestHeaders { get; }

    public delegate* unmanaged<nint, byte*, nuint, int> AppendRequestBody { get; }

    public delegate* unmanaged<nint, int> ProcessRequestBody { get; }

    /// <summary>Returns non-zero when the engine decided to interrupt; the caller frees the intervention's url and log.</summary>
    public delegate* unmanaged<nint, ModSecurityIntervention*, int> Intervention { get; }

    public delegate* unmanaged<nint, void> CleanupTransaction { get; }

    /// <summary>Loads the library at <paramref name="path"/>; null with the reason when it is missing or not ModSecurity v3.</summary>
    public static ModSecurityLibrary? TryLoad(string path, out string? error)
    {
        if (!NativeLibrary.TryLoad(path, out var handle))
        {
            error = $"the library '{path}' could not be loaded";
            return null;
        }

        try
        {
            error = null;
            return new ModSecurityLibrary(handle);
        }
        catch (EntryPointNotFoundException exception)
        {
            error = $"'{path}' is not ModSecurity v3 ({exception.Message})";
            return null;
        }
    }

    private static nint Export(nint handle, string name) => NativeLibrary.GetExport(handle, name);
}
