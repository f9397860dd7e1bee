namespace SecureFlow.Contracts.Waf;

/// <summary>
/// The web application firewall of a hop as the app model sets it (section <c>Waf</c>): ModSecurity v3 with the OWASP
/// Core Rule Set, configured like Application Gateway's WAF policy. The engine and rule paths are the machine's.
/// </summary>
public sealed class WafOptions : IServiceOptions
{
    public static string SectionName => "Waf";

    /// <summary><c>Prevention</c> blocks, <c>Detection</c> only logs, <c>Off</c> (the default) registers no WAF at all.</summary>
    public WafMode Mode { get; set; } = WafMode.Off;

    /// <summary>The CRS paranoia level (1-4); 1 is Azure's default and keeps false positives rare.</summary>
    public int ParanoiaLevel { get; set; } = 1;

    /// <summary>The inbound anomaly score at which a request is blocked; 5 (one critical match) is Azure's default.</summary>
    public int AnomalyThreshold { get; set; } = 5;

    /// <summary>
    /// The largest request body, files of a <c>multipart/form-data</c> upload not counted, in KB (Application Gateway's
    /// <c>maxRequestBodySizeInKb</c>, default 128). A larger body is refused with 413 and never forwarded, so nothing
    /// reaches the backend uninspected. Bodies up to this size are held in memory; larger uploads are spooled to disk.
    /// </summary>
    public int RequestBodyLimitInKb { get; set; } = 128;

    /// <summary>
    /// The largest file upload (the files of a <c>multipart/form-data</c> body), in MB (Application Gateway's
    /// <c>fileUploadLimitInMb</c>): such a body may be this plus <see cref="RequestBodyLimitInKb"/>. 10 MB is the AKS
    /// baseline's value.
    /// </summary>
    public int FileUploadLimitInMb { get; set; } = 10;

    /// <summary>The largest body of a request of <paramref name="contentType"/>, in bytes.</summary>
    public long BodyLimitInBytes(string? contentType) =>
        RequestBodyLimitInKb * 1024L + (IsFileUpload(contentType) ? FileUploadLimitInMb * 1024L * 1024L : 0);

    /// <summary>Whether a body of <paramref name="contentType"/> may carry files: <c>multipart/form-data</c> only, as in Azure.</summary>
    public static bool IsFileUpload(string? contentType) =>
        contentType is not null
        && System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
        && string.Equals(mediaType.MediaType, "multipart/form-data", StringComparison.OrdinalIgnoreCase);

    /// <summary>CRS rules that never run on this hop.</summary>
    public List<int> DisabledRuleIds { get; set; } = [];

    /// <summary>Request parts that some (or all) rules do not inspect.</summary>
    public List<WafExclusionOptions> Exclusions { get; set; } = [];

    /// <summary>The ModSecurity v3 library (Debian package <c>libmodsecurity3</c>).</summary>
    public string EnginePath { get; set; } = "libmodsecurity.so.3";

    /// <summary>The CRS setup file (Debian package <c>modsecurity-crs</c>).</summary>
    public string CrsSetupPath { get; set; } = "/etc/modsecurity/crs/crs-setup.conf";

    /// <summary>The folder of the CRS rule files (Debian package <c>modsecurity-crs</c>).</summary>
    public string RulesPath { get; set; } = "/usr/share/modsecurity-crs/rules";
}
