using System.Runtime.InteropServices;

namespace SecureFlow.Gateway.Waf;

/// <summary>ModSecurity's <c>ModSecurityIntervention</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ModSecurityIntervention
{
    public int Status;
    public int Pause;
    public nint Url;
    public nint Log;
    public int Disruptive;
}
