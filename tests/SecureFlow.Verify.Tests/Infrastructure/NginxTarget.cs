using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using SecureFlow.Verify.Expectations;

namespace SecureFlow.Verify.Tests.Infrastructure;

/// <summary>What to weaken in an <see cref="NginxTarget"/>; the defaults are the model's edge, done with nginx.</summary>
public sealed record NginxEdge
{
    public bool LegacyTls { get; init; }

    public bool StrictSni { get; init; } = true;

    public bool Waf { get; init; } = true;

    /// <summary>The HSTS max-age; null sends no HSTS header. Default: the model's.</summary>
    public int? HstsMaxAge { get; init; } = ChainExpectations.Embedded().HstsMaxAgeSeconds;

    public bool PlainHttpOpen { get; init; }

    /// <summary>Whether client identity headers (X-Forwarded-*, Forwarded, SecureFlow-Hop, and names with underscores) are passed to the backend.</summary>
    public bool ForwardsClientHeaders { get; init; }

    public bool Http2 { get; init; } = true;

    public TimeSpan CertificateValidity { get; init; } = TimeSpan.FromDays(90);
}

/// <summary>
/// A real nginx (Debian's, with ModSecurity v3 and the OWASP CRS 3.3 for its WAF) started by the test as a non-daemon
/// child with its own prefix in a temporary folder, on 127.0.0.1 high ports: a stand-in edge whose controls the test
/// turns off one by one. Its backend (<see cref="FlowReportBackend"/>) answers the flow report from the request that
/// reached it.
/// </summary>
public sealed class NginxTarget : IAsyncDisposable
{
    public const string Host = "verify-target.localhost";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    // The model's TLS 1.2 suites by IANA name, as OpenSSL (and so nginx) names them.
    private static readonly Dictionary<TlsCipherSuite, string> OpenSslNames = new()
    {
        [TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384] = "ECDHE-ECDSA-AES256-GCM-SHA384",
        [TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256] = "ECDHE-ECDSA-AES128-GCM-SHA256",
        [TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384] = "ECDHE-RSA-AES256-GCM-SHA384",
        [TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256] = "ECDHE-RSA-AES128-GCM-SHA256",
    };

    private readonly Process _nginx;
    private readonly DirectoryInfo _directory;

    private readonly FlowReportBackend _backend;

    private NginxTarget(Process nginx, FlowReportBackend backend, DirectoryInfo directory, TestCertificates certificates, int port, int plainHttpPort)
    {
        _nginx = nginx;
        _backend = backend;
        _directory = directory;
        Certificates = certificates;
        Port = port;
        PlainHttpPort = plainHttpPort;
    }

    public TestCertificates Certificates { get; }

    public int Port { get; }

    /// <summary>The plain HTTP port: nginx listens there only when <see cref="NginxEdge.PlainHttpOpen"/>.</summary>
    public int PlainHttpPort { get; }

    public Uri Uri => new($"https://{Host}:{Port}/");

    public string Log => File.Exists(Path.Combine(_directory.FullName, "logs", "error.log")) ? File.ReadAllText(Path.Combine(_directory.FullName, "logs", "error.log")) : "";

    public static async Task<NginxTarget> StartAsync(NginxEdge edge)
    {
        ArgumentNullException.ThrowIfNull(edge);
        var directory = Directory.CreateTempSubdirectory("secureflow-verify-nginx-");
        Directory.CreateDirectory(Path.Combine(directory.FullName, "logs"));
        Directory.CreateDirectory(Path.Combine(directory.FullName, "tmp"));
        var certificates = TestCertificates.Create(directory.FullName, Host, edge.CertificateValidity);
        int port = FreePort(), plainHttpPort = FreePort();
        var backend = new FlowReportBackend();
        var configuration = Path.Combine(directory.FullName, "nginx.conf");
        File.WriteAllText(configuration, Configuration(edge, directory.FullName, certificates, port, plainHttpPort, backend.Port));

        var start = new ProcessStartInfo("/usr/sbin/nginx") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-p", directory.FullName, "-c", configuration, "-e", Path.Combine(directory.FullName, "logs", "error.log") })
        {
            start.ArgumentList.Add(argument);
        }

        var nginx = Process.Start(start) ?? throw new InvalidOperationException("nginx did not start.");
        var target = new NginxTarget(nginx, backend, directory, certificates, port, plainHttpPort);
        try
        {
            await target.WaitUntilListeningAsync(port).WaitAsync(StartTimeout);
            return target;
        }
        catch
        {
            await target.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_nginx.HasExited)
        {
            _nginx.Kill(entireProcessTree: true);
        }

        await _nginx.WaitForExitAsync().WaitAsync(StartTimeout);
        _nginx.Dispose();
        await _backend.DisposeAsync();
        Certificates.Dispose();
        _directory.Delete(recursive: true);
    }

    private async Task WaitUntilListeningAsync(int port)
    {
        while (true)
        {
            if (_nginx.HasExited)
            {
                throw new InvalidOperationException($"nginx exited with {_nginx.ExitCode}: {await _nginx.StandardError.ReadToEndAsync()}{Log}");
            }

            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
    }

    private static string Configuration(NginxEdge edge, string directory, TestCertificates certificates, int port, int plainHttpPort, int backendPort)
    {
        var model = ChainExpectations.Embedded();
        var config = new StringBuilder();
        var invariant = CultureInfo.InvariantCulture;
        if (edge.Waf)
        {
            File.WriteAllText(Path.Combine(directory, "modsecurity.conf"), $"""
                SecRuleEngine On
                SecRequestBodyAccess On
                SecRequestBodyLimit 13107200
                SecRequestBodyNoFilesLimit 131072
                SecRequestBodyLimitAction Reject
                SecResponseBodyAccess Off
                SecTmpDir {directory}/tmp
                SecDataDir {directory}/tmp
                SecAuditEngine Off
                SecRule REQUEST_HEADERS:Content-Type "application/json" "id:200001,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=JSON"
                SecAction "id:900000,phase:1,nolog,pass,t:none,setvar:tx.paranoia_level=1"
                SecAction "id:900110,phase:1,nolog,pass,t:none,setvar:tx.inbound_anomaly_score_threshold=5,setvar:tx.outbound_anomaly_score_threshold=4"
                Include /etc/modsecurity/crs/crs-setup.conf
                Include /etc/modsecurity/crs/REQUEST-900-EXCLUSION-RULES-BEFORE-CRS.conf
                Include /usr/share/modsecurity-crs/rules/*.conf
                Include /etc/modsecurity/crs/RESPONSE-999-EXCLUSION-RULES-AFTER-CRS.conf
                """);
            config.Append("load_module /usr/lib/nginx/modules/ngx_http_modsecurity_module.so;\n");
        }

        config.Append(invariant, $$"""
            daemon off;
            master_process off;
            worker_processes 1;
            pid {{directory}}/nginx.pid;
            events { worker_connections 64; }
            http {
              access_log off;
              client_body_temp_path {{directory}}/tmp/body; proxy_temp_path {{directory}}/tmp/proxy; fastcgi_temp_path {{directory}}/tmp/fcgi;
              uwsgi_temp_path {{directory}}/tmp/uwsgi; scgi_temp_path {{directory}}/tmp/scgi;
              {{(edge.ForwardsClientHeaders ? "underscores_in_headers on;" : "")}}

            """);
        // nginx negotiates the protocol in the default server's context, before SNI picks a server: set TLS for all.
        var tls12 = string.Join(':', model.Tls.Tls12CipherSuites.Select(suite => OpenSslNames[suite]));
        config.Append(invariant, $"""
              ssl_protocols {(edge.LegacyTls ? "TLSv1 TLSv1.1 TLSv1.2 TLSv1.3" : "TLSv1.2 TLSv1.3")};
              ssl_ciphers {(edge.LegacyTls ? "DEFAULT@SECLEVEL=0" : tls12)};
              ssl_conf_command Ciphersuites {string.Join(':', model.Tls.Tls13CipherSuites)};

            """);
        if (edge.StrictSni)
        {
            config.Append(invariant, $$"""
                  server { listen 127.0.0.1:{{port}} ssl default_server; ssl_reject_handshake on; return 421; }

                """);
        }

        config.Append(invariant, $$"""
              server {
                listen 127.0.0.1:{{port}} ssl{{(edge.StrictSni ? "" : " default_server")}}{{(edge.Http2 ? " http2" : "")}};
                {{(edge.PlainHttpOpen ? $"listen 127.0.0.1:{plainHttpPort};" : "")}}
                server_name {{Host}};
                ssl_certificate {{certificates.CertificatePath}};
                ssl_certificate_key {{certificates.KeyPath}};
                {{(edge.Waf ? $"modsecurity on; modsecurity_rules_file {directory}/modsecurity.conf;" : "")}}
                {{(edge.StrictSni ? $"if ($host != \"{Host}\") {{ return 421; }}" : "")}}
                {{(edge.HstsMaxAge is { } maxAge ? $"add_header Strict-Transport-Security \"max-age={maxAge}\" always;" : "")}}
                location / {
                  proxy_pass http://127.0.0.1:{{backendPort}};
                  proxy_set_header Host $host;
                  {{(edge.ForwardsClientHeaders ? "" : "proxy_set_header X-Forwarded-For \"\"; proxy_set_header X-Forwarded-Host \"\"; proxy_set_header Forwarded \"\"; proxy_set_header SecureFlow-Hop \"\";")}}
                }
              }
            }

            """);
        return config.ToString();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
