using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Options;

namespace SecureFlow.Gateway.Waf;

/// <summary>
/// ModSecurity v3 with the CRS loaded once per process: one engine and one rules set, shared by every request (the
/// engine is built for that); each request gets its own <see cref="ModSecurityTransaction"/>. When the library or the
/// rules are missing the engine is unavailable with the reason: the gateway still starts (so that the app and its
/// dashboard run), but it refuses every request it would have inspected and reports itself unhealthy.
/// </summary>
internal sealed unsafe class ModSecurityEngine : IDisposable
{
    private const string Install = "install libmodsecurity3 and modsecurity-crs (apt-get install libmodsecurity3 modsecurity-crs)";

    /// <summary>
    /// What a client is told while the engine cannot run: the packages, not the paths (which describe the machine).
    /// </summary>
    public const string UnavailableResponse =
        "The web application firewall cannot run, so the request was not forwarded (the gateway needs libmodsecurity3 and modsecurity-crs)";

    private static readonly Lock RuleParser = new();

    private readonly ModSecurityLibrary? _library;
    private readonly nint _modSecurity;
    private readonly nint _rules;

    public ModSecurityEngine(IOptions<WafOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var waf = options.Value;
        Mode = waf.Mode;

        _library = ModSecurityLibrary.TryLoad(waf.EnginePath, out var libraryError);
        if (_library is null)
        {
            UnavailableReason = $"WAF engine not found ({libraryError}): {Install}, or set Waf:EnginePath.";
            return;
        }

        var ruleFiles = Directory.Exists(waf.RulesPath)
            ? Directory.GetFiles(waf.RulesPath, "*.conf").Order(StringComparer.Ordinal).ToList()
            : [];
        if (!File.Exists(waf.CrsSetupPath) || ruleFiles.Count == 0)
        {
            UnavailableReason = $"WAF rules not found ('{waf.CrsSetupPath}' and '{waf.RulesPath}/*.conf'): {Install}, or set Waf:CrsSetupPath and Waf:RulesPath.";
            _library = null;
            return;
        }

        _modSecurity = _library.Init();
        fixed (byte* connector = "SecureFlow.Gateway\0"u8)
        {
            _library.SetConnectorInfo(_modSecurity, connector);
        }

        _library.SetLogCallback(_modSecurity, &OnRuleMessage);
        Version = Marshal.PtrToStringUTF8(_library.WhoAmI(_modSecurity)) ?? "ModSecurity";

        _rules = _library.CreateRulesSet();
        var directives = Encoding.UTF8.GetBytes(ModSecurityDirectives.Build(waf, ruleFiles) + "\0");
        byte* error = null;
        int added;
        fixed (byte* text = directives)
        {
            // The engine's rule parser keeps global state: two rule sets loading at once (gateways in one test process)
            // corrupt each other's parse ("Expecting an action, got: SecRuleEngine On").
            lock (RuleParser)
            {
                added = _library.AddRules(_rules, text, &error);
            }
        }

        if (added < 0)
        {
            var message = Marshal.PtrToStringUTF8((nint)error) ?? "unknown error";
            NativeMemory.Free(error);
            Dispose();

            // A rule set that does not load must stop the gateway: running with part of it would pass attacks silently.
            throw new InvalidOperationException($"The WAF rules did not load: {message}");
        }

        RuleCount = added;
    }

    public WafMode Mode { get; }

    /// <summary>Why requests are not inspected (what to install), or null when the engine runs.</summary>
    public string? UnavailableReason { get; }

    public bool IsAvailable => UnavailableReason is null;

    public string Version { get; } = "";

    public int RuleCount { get; }

    public ModSecurityTransaction BeginTransaction()
    {
        if (_library is null)
        {
            throw new InvalidOperationException(UnavailableReason);
        }

        return new ModSecurityTransaction(_library, _modSecurity, _rules);
    }

    public void Dispose()
    {
        if (_library is null)
        {
            return;
        }

        if (_rules != 0)
        {
            _library.CleanupRules(_rules);
        }

        if (_modSecurity != 0)
        {
            _library.Cleanup(_modSecurity);
        }
    }

    /// <summary>The engine reports each rule match here, with the transaction's collector as <paramref name="collector"/>.</summary>
    [UnmanagedCallersOnly]
    private static void OnRuleMessage(nint collector, nint message)
    {
        if (collector != 0 && message != 0 && GCHandle.FromIntPtr(collector).Target is List<string> messages)
        {
            messages.Add(Marshal.PtrToStringUTF8(message) ?? "");
        }
    }
}
