#!/usr/bin/env bash
# The whole chain, measured side by side in one run on this machine (a benchmark, not a test):
#   SecureFlow: the AppHost as `dotnet run` runs it, built in Release: client -> edge (TLS, WAF) -> ingress -> workload
#               (mutual TLS) -> orders (mutual TLS), every hop as the model wires it (Aspire's own proxies included);
#   nginx:      client -> nginx edge (TLS + ModSecurity v3 + CRS 3.3.4, the reference WAF's rules and settings),
#               re-encrypting with SNI to a root it verifies -> nginx ingress (TLS) -> THE SAME workload process, over
#               mutual TLS with an ingress identity the workload accepts (issued below by the same development CA).
# For each: WAF on and off, HTTP/1.1 (wrk) and HTTP/2 (h2load); per run req/s, p50/p99, errors, CPU ms per request and
# RSS of every process of the chain; then the ratios SecureFlow/nginx.
#   usage: bash bench/chain.sh     (one AppHost at a time: the model fixes the edge's port 8443, the launch profiles others)
#   env:   DURATION (10s)  CONNECTIONS (16)  THREADS (2)  STREAMS (10, h2load's streams per connection)
#          WARMUP (3s, before each run)  BENCH_PATH (/api/flow?q=...)  SHARED (../shared)
#          NGINX_WORKERS (the number of cores)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
shared=${SHARED:-$repo/../shared}
duration=${DURATION:-10s}
warmup=${WARMUP:-3s}
connections=${CONNECTIONS:-16}
threads=${THREADS:-2}
streams=${STREAMS:-10}
path=${BENCH_PATH:-/api/flow?q=secure+network+flow&page=2}
workers=${NGINX_WORKERS:-$(nproc)}
# Idle upstream connections each nginx worker keeps: at least the most requests in flight (h2load's connections x
# streams), so that nginx never closes and re-opens (a new TLS handshake) a connection to its next hop under load.
keepalive=$((connections * streams > 32 ? connections * streams : 32))
public_host=delta.secureflow.localhost
workload_host=workload.aks-ingress.secureflow.localhost
spiffe=spiffe://secureflow.localhost/ns/secureflow/sa

[[ -f $shared/tools/waf-reference/start.sh ]] || { echo "The reference WAF is not at $shared/tools/waf-reference (set SHARED)." >&2; exit 1; }
bash eng/prerequisites.sh
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v h2load >/dev/null || missing+=(nghttp2-client)
if ((${#missing[@]})); then
  echo "Installing ${missing[*]} (the load generators) ..."
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The model fixes the edge's port (8443) and the launch profiles the dashboard's and services' ports: one AppHost at a time.
if ss -Hltnp '( sport = :8443 or sport = :17201 or sport = :5080 )' | grep .; then
  echo "Ports of the AppHost (8443, 17201, 5080) are in use, above: stop the other AppHost first." >&2
  exit 1
fi

work=$(mktemp -d /tmp/secureflow-bench-chain.XXXXXX)
chmod 755 "$work"            # nginx's workers (nobody) reach their temp folders below it
apphost_group="" dcp_groups=() clone_pid="" load_pid=""
cleanup() {
  set +e
  [[ -n $load_pid ]] && kill "$load_pid" 2>/dev/null
  [[ -n $clone_pid ]] && kill "$clone_pid" 2>/dev/null
  for dir in "$work"/nginx-*; do
    [[ -f $dir/nginx.pid ]] && kill -QUIT "$(cat "$dir/nginx.pid")" 2>/dev/null
  done
  if [[ -n $apphost_group ]]; then
    # SIGTERM: the AppHost shuts down cleanly and DCP stops every service; DCP runs in process groups of its own
    # (its API server is re-parented to init), so those groups are waited for, then killed if they linger.
    kill -TERM -- "-$apphost_group" 2>/dev/null
    for _ in $(seq 1 60); do
      alive=0
      for group in "$apphost_group" "${dcp_groups[@]}"; do pgrep -g "$group" >/dev/null && alive=1; done
      ((alive)) || break
      sleep 0.5
    done
    for group in "$apphost_group" "${dcp_groups[@]}"; do kill -KILL -- "-$group" 2>/dev/null; done
  fi
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
fail() { echo "FAILED: $*" >&2; exit 1; }

# wrk resolves the URL's host itself and sends it as SNI; *.localhost is not in /etc/hosts here, so wrk runs in a
# mount namespace of its own where /etc/hosts names it (nothing on the machine changes). h2load has --connect-to.
printf '127.0.0.1 localhost %s %s\n' "$public_host" "$workload_host" >"$work/hosts"
with_hosts=(unshare --mount sh -c 'mount --bind "$0" /etc/hosts && exec "$@"' "$work/hosts")

echo "Building the AppHost and its services (Release) ..."
dotnet build SecureFlow.AppHost -c Release --nologo -v quiet >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; fail "build"; }

# --- SecureFlow: the AppHost as F5 / `dotnet run` runs it (launch profile https), built in Release. Aspire 13.6.5 runs
# each project resource as `dotnet run --project X.csproj --no-build --configuration <the AppHost's configuration>`,
# so a Release AppHost runs SecureFlow.*/bin/Release/ (checked below from each process's /proc/PID/exe). The bench's
# own development CA (its folder under $work, the AppHost's SecureFlow:DevelopmentCA:Directory) and vault data, so the
# bench signs nginx's certificates without touching the user's CA and leaves nothing behind.
echo "Starting the AppHost (Release) ..."
SecureFlow__DevelopmentCA__Directory="$work/dev-ca" SecureFlow__KeyVault__DataDirectory="$work/vault" \
  setsid dotnet run --project SecureFlow.AppHost --no-build -c Release >"$work/apphost.log" 2>&1 </dev/null &
apphost_group=$!
root="$work/dev-ca/root.crt"

# DCP, which runs the services (and the proxies in front of their endpoints): its API server monitors the AppHost, its
# controllers (a child) are the services' process group. Both groups are remembered for the clean-up.
apphost_pid="" controllers=""
find_dcp() {
  local server group
  for server in $(pgrep -f "dcp start-apiserver --monitor $apphost_pid( |\$)" || true); do
    controllers=$(pgrep -P "$server" -f "dcp run-controllers" | head -1 || true)
    for group in $(ps -o pgid= -p "$server${controllers:+,$controllers}"); do
      [[ " ${dcp_groups[*]} " == *" $group "* ]] || dcp_groups+=("$group")
    done
  done
}
for _ in $(seq 1 300); do
  kill -0 "$apphost_group" 2>/dev/null || { tail -30 "$work/apphost.log" >&2; fail "the AppHost exited"; }
  [[ -z $apphost_pid ]] && apphost_pid=$(pgrep -g "$apphost_group" -f "SecureFlow.AppHost/bin/Release/net10.0/SecureFlow.AppHost\$" || true)
  [[ -n $apphost_pid && -z $controllers ]] && find_dcp
  [[ -f $root ]] && [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert "$root" \
      --resolve "$public_host:8443:127.0.0.1" "https://$public_host:8443$path" || true) == 200 ]] && break
  sleep 0.5
done
[[ $(curl -s -o "$work/sample-secureflow.json" -w '%{http_code}' --max-time 10 --cacert "$root" \
    --resolve "$public_host:8443:127.0.0.1" "https://$public_host:8443$path") == 200 ]] || { tail -30 "$work/apphost.log" >&2; fail "no 200 through the edge"; }
find_dcp
[[ -n $controllers ]] || fail "DCP (Aspire's orchestrator) of this AppHost not found"

# The chain's processes: this worktree's Release binaries in DCP's process group, told apart by their service name.
service_pid() { # binary service-name
  local pid
  for pid in $(pgrep -f "$repo/SecureFlow.$1/bin/Release/net10.0/SecureFlow.$1\$"); do
    [[ " ${dcp_groups[*]} " == *" $(ps -o pgid= -p "$pid" | tr -d ' ') "* ]] || continue
    tr '\0' '\n' <"/proc/$pid/environ" | grep -x "OTEL_SERVICE_NAME=$2" >/dev/null && { echo "$pid"; return; }
  done
  fail "no Release process of $2 ($1) in this AppHost's DCP"
}
edge=$(service_pid Gateway edge); ingress=$(service_pid Gateway ingress)
workload=$(service_pid Workload workload); orders=$(service_pid Orders orders)
for pid in "$edge" "$ingress" "$workload" "$orders"; do
  exe=$(readlink "/proc/$pid/exe"); [[ $exe == */bin/Release/net10.0/* ]] || fail "pid $pid runs $exe, not a Release build"
  echo "  $(tr '\0' '\n' <"/proc/$pid/environ" | sed -n 's/^OTEL_SERVICE_NAME=//p'): pid $pid, $exe"
done
env_of() { tr '\0' '\n' <"/proc/$1/environ" | sed -n "s/^$2=//p"; }
# Where the ingress reaches the workload (Aspire's proxy in front of the workload's mutual TLS listener): nginx's
# ingress uses the same address, so both chains reach the workload, and it reaches orders, the same way.
workload_address=$(env_of "$ingress" services__workload__https__0); workload_address=${workload_address#https://}
workload_port=${workload_address##*:}
[[ $workload_port =~ ^[0-9]+$ ]] || fail "the ingress's workload address '$workload_address'"

# --- The nginx chain's certificates, issued with openssl by the same development CA as the AppHost's, in the same
# shape (DevelopmentCertificateAuthority.IssueServerCertificate): RSA 2048, O=SecureFlow, 1 day. The ingress identity
# is what WithMutualTls gives the ingress: SPIFFE id spiffe://secureflow.localhost/ns/secureflow/sa/ingress, for TLS
# clients and servers. The CA's key stays in $work (removed on exit); no key is printed.
issue() { # name common-name extended-key-usage subject-alternative-names
  openssl req -new -newkey rsa:2048 -nodes -subj "/O=SecureFlow/CN=$2" -keyout "$work/$1.key" -out "$work/$1.csr" 2>/dev/null
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=%s\nsubjectAltName=%s\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' \
    "$3" "$4" >"$work/$1.ext"
  openssl x509 -req -in "$work/$1.csr" -CA "$root" -CAkey "$work/dev-ca/root.key" -days 1 -sha256 \
    -set_serial "0x$(openssl rand -hex 16)" -extfile "$work/$1.ext" -out "$work/$1.crt" 2>/dev/null
  openssl verify -CAfile "$root" -purpose "$([[ $3 == serverAuth ]] && echo sslserver || echo sslclient)" "$work/$1.crt" >/dev/null \
    || fail "the certificate $1 does not verify against the development CA"
}
issue nginx-edge-tls "$public_host" serverAuth "DNS:$public_host"
issue nginx-ingress-tls "*.aks-ingress.secureflow.localhost" serverAuth "DNS:*.aks-ingress.secureflow.localhost"
issue nginx-ingress-mtls ingress.secureflow.localhost serverAuth,clientAuth "DNS:ingress.secureflow.localhost,URI:$spiffe/ingress"
issue intruder-mtls intruder.secureflow.localhost serverAuth,clientAuth "DNS:intruder.secureflow.localhost,URI:$spiffe/intruder"

# The workload's mutual TLS listener accepts the ingress identity and refuses anything else (checked again through the
# chain below): if these fail, the nginx chain would measure refusals, so the bench stops.
probe_workload() { # extra curl arguments...
  curl -s -o /dev/null -w '%{http_code}' --max-time 10 --cacert "$root" --resolve "workload.secureflow.localhost:$workload_port:127.0.0.1" \
    -H "Host: $workload_host" "$@" "https://workload.secureflow.localhost:$workload_port$path" || true
}
[[ $(probe_workload --cert "$work/nginx-ingress-mtls.crt" --key "$work/nginx-ingress-mtls.key") == 200 ]] \
  || fail "the workload refuses the nginx ingress's identity ($spiffe/ingress)"
[[ $(probe_workload) != 200 ]] || fail "the workload answered a caller without a certificate"
[[ $(probe_workload --cert "$work/intruder-mtls.crt" --key "$work/intruder-mtls.key") != 200 ]] || fail "the workload answered $spiffe/intruder"
echo "  the workload ($workload_address) accepts $spiffe/ingress as issued here, refuses no certificate and $spiffe/intruder"

# --- The nginx chain. TLS as the model's Baseline policy: TLS 1.2 (ECDHE + AES-GCM) and 1.3 (AES-GCM), HTTP/2 on the
# listeners, strict SNI (unknown names are refused in the handshake), keep-alive to the upstream and clients.
tls_policy="ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256;
    ssl_conf_command Ciphersuites TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384;
    ssl_session_cache shared:tls:10m;"
nginx_conf() { # dir port server-name certificate upstream-port modsecurity(on|off|none) location-directives
  local modsecurity=""
  [[ $6 != none ]] && modsecurity="modsecurity $6; modsecurity_rules_file $1/modsec-main.conf;"
  mkdir -p "$1/logs" "$1/tmp"; chmod 777 "$1/logs" "$1/tmp"
  cat >"$1/nginx.conf" <<CONF
load_module /usr/lib/nginx/modules/ngx_http_modsecurity_module.so;
worker_processes $workers;
pid $1/nginx.pid;
error_log $1/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $1/tmp/body; proxy_temp_path $1/tmp/proxy; fastcgi_temp_path $1/tmp/fcgi;
  uwsgi_temp_path $1/tmp/uwsgi; scgi_temp_path $1/tmp/scgi;
  keepalive_requests 1000000;
  upstream next { server 127.0.0.1:$5; keepalive $keepalive; keepalive_requests 1000000; }
  server { listen 127.0.0.1:$2 ssl http2 default_server; ssl_reject_handshake on; }
  server {
    listen 127.0.0.1:$2 ssl http2;
    server_name $3;
    ssl_certificate $work/$4.crt; ssl_certificate_key $work/$4.key;
    $tls_policy
    $modsecurity
    location / {
      proxy_pass https://next; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_ssl_server_name on; proxy_ssl_verify on; proxy_ssl_verify_depth 2; proxy_ssl_trusted_certificate $root;
      proxy_ssl_protocols TLSv1.2 TLSv1.3; proxy_ssl_session_reuse on;
      # A request the client abandons (a load generator stopping) is finished upstream rather than cutting the kept
      # connection, so the next run does not pay new handshakes at every hop.
      proxy_ignore_client_abort on;
      $7
    }
  }
}
CONF
}
start_nginx() { # dir
  nginx -p "$1" -c "$1/nginx.conf" 2>>"$1/logs/start.log" || fail "nginx in $1 did not start: $(tail -3 "$1/logs/start.log")"
  for _ in $(seq 1 50); do [[ -s $1/nginx.pid ]] && return; sleep 0.1; done
  fail "nginx in $1 wrote no pid"
}
stop_nginx() { # dir
  [[ -f $1/nginx.pid ]] || return 0
  kill -QUIT "$(cat "$1/nginx.pid")"
  for _ in $(seq 1 100); do [[ -f $1/nginx.pid ]] || return 0; sleep 0.1; done
  fail "nginx in $1 did not stop"
}

nginx_ingress_port=$(free_port)
nginx_conf "$work/nginx-ingress" "$nginx_ingress_port" "$workload_host" nginx-ingress-tls "$workload_port" none "
      proxy_set_header Host \$host;
      proxy_ssl_name workload.secureflow.localhost;
      proxy_ssl_certificate $work/nginx-ingress-mtls.crt; proxy_ssl_certificate_key $work/nginx-ingress-mtls.key;"
sed -i 1d "$work/nginx-ingress/nginx.conf"    # no WAF at the ingress, as in the SecureFlow chain: no ModSecurity module

# The edge's ModSecurity configuration is the reference WAF's own (start.sh writes it: CRS 3.3.4, paranoia 1, inbound
# threshold 5, blocking, request bodies up to 128 KB), the same settings as the SecureFlow edge's WafPolicy.
nginx_edge_port=$(free_port)
mkdir -p "$work/nginx-edge"
WAF_PORT=$(free_port) UPSTREAM=127.0.0.1:9 bash "$shared/tools/waf-reference/start.sh" "$work/nginx-edge" >/dev/null
stop_nginx "$work/nginx-edge"
grep -q '^SecRuleEngine On' "$work/nginx-edge/modsec-main.conf" || fail "the reference WAF's ModSecurity configuration"
nginx_edge() { # on|off
  nginx_conf "$work/nginx-edge" "$nginx_edge_port" "$public_host" nginx-edge-tls "$nginx_ingress_port" "$1" "
      proxy_set_header Host $workload_host; proxy_ssl_name $workload_host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for; proxy_set_header X-Forwarded-Proto https;
      proxy_set_header X-Forwarded-Host \$host;
      add_header Strict-Transport-Security \"max-age=31536000; includeSubDomains\" always;"
}

# --- The SecureFlow edge with its WAF off: the model's edge is Prevention, and the bench does not change the model. It
# starts a second edge process from the AppHost's own edge: the same Release binary, arguments, working directory and
# environment (read from /proc, never written anywhere), with only Waf__Mode=Off and its two listening ports changed.
# Its upstream is the same ingress, through the same Aspire proxy.
start_edge_waf_off() { # port management-port
  python3 - "$edge" "$1" "$2" >"$work/edge-waf-off.log" 2>&1 <<'PY' &
import os, sys
pid, port, management = sys.argv[1:]
env = dict(line.split("=", 1) for line in open(f"/proc/{pid}/environ").read().split("\0") if "=" in line)
argv = [arg for arg in open(f"/proc/{pid}/cmdline").read().split("\0") if arg]
env.update({"Waf__Mode": "Off", "Gateway__Https__Port": port, "Management__Port": management})
os.chdir(os.readlink(f"/proc/{pid}/cwd"))
os.execve(os.readlink(f"/proc/{pid}/exe"), argv, env)
PY
  clone_pid=$!
}
[[ $(env_of "$edge" Waf__Mode) == Prevention ]] || fail "the model's edge is not in Prevention mode ($(env_of "$edge" Waf__Mode))"

# --- Measuring.
cat >"$work/measure.py" <<'PY'
import json, os, re, sys
TICK = os.sysconf("SC_CLK_TCK")

def tree(pid):
    """The process and its children (nginx's master and workers)."""
    pids = [pid]
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()[1] == str(pid):
                    pids.append(int(entry))
            except OSError:
                pass
    return pids

def snapshot(spec):
    result = {}
    for item in spec.split():
        name, pid = item.split("=")
        cpu = rss = 0
        for p in tree(int(pid)) if name.startswith("nginx") else [int(pid)]:
            fields = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
            cpu += int(fields[11]) + int(fields[12])          # utime + stime, in clock ticks
            rss += int(re.search(r"VmRSS:\s+(\d+)", open(f"/proc/{p}/status").read()).group(1))
        result[name] = {"cpu_ms": cpu * 1000 / TICK, "rss_mb": rss / 1024}
    return result

def milliseconds(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]

def wrk(output):
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = (sum(map(int, socket.groups())) if socket else 0) + (int(non2xx.group(1)) if non2xx else 0)
    return {"requests": requests, "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
            "p50": milliseconds(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1)),
            "p99": milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1)), "errors": errors}

def h2load(output, log):
    # The per-request log (--log-file): start (us since epoch), status, microseconds until the end of the response.
    rows = [line.split("\t") for line in open(log) if line.strip()]
    latencies = sorted(int(row[2]) for row in rows if row[1].startswith("2"))
    def percentile(p):
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] / 1000 if latencies else float("nan")
    summary = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout", output)
    total, started, done, succeeded, failed, errored, timeout = map(int, summary.groups())
    non2xx = sum(1 for row in rows if not row[1].startswith("2"))
    return {"requests": done, "rps": float(re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", output).group(1)),
            "p50": percentile(50), "p99": percentile(99), "errors": max(failed + errored + timeout + (total - done), non2xx)}

def total(spec):
    return sum(process["cpu_ms"] for process in snapshot(spec).values())

command = sys.argv[1]
if command == "snapshot":
    json.dump(snapshot(sys.argv[2]), sys.stdout)
elif command == "quiet":
    # A load generator leaves requests in flight when it stops (h2load: up to connections x streams); the chain finishes
    # them after it. Wait (at most 60 s) until the chain uses under 10 % of one core, so that the next run starts clean.
    import time
    last = total(sys.argv[2])
    for _ in range(120):
        time.sleep(0.5)
        now = total(sys.argv[2])
        if now - last < 50:
            break
        last = now
    else:
        print("  (the chain did not go quiet within 60 s after the warm-up)", file=sys.stderr)
elif command == "result":
    chain, waf, protocol, tool, output, log, before, after = sys.argv[2:]
    output_text = open(output).read()
    run = wrk(output_text) if tool == "wrk" else h2load(output_text, log)
    before, after = json.load(open(before)), json.load(open(after))
    run.update(chain=chain, waf=waf, protocol=protocol,
               processes={name: {"cpu_ms_per_request": (after[name]["cpu_ms"] - before[name]["cpu_ms"]) / max(run["requests"], 1),
                                 "rss_mb": after[name]["rss_mb"]} for name in after})
    run["invalid"] = (f"{run['errors']} errors" if run["errors"] else "no request completed" if not run["requests"] else None)
    flag = f"  NOT A FIGURE: {run['invalid']}" if run["invalid"] else ""
    print(f"  {chain:10} WAF {waf:3} {protocol:8} {run['rps']:9.0f} req/s  p50 {run['p50']:7.2f} ms  p99 {run['p99']:7.2f} ms  "
          f"errors {run['errors']}{flag}")
    summary = [line.strip() for line in output_text.splitlines() if re.match(r"\s*(\d+ requests in|Socket errors|Non-2xx|finished in|requests:|status codes:)", line)]
    print(f"      {tool}: {'; '.join(summary)}")
    for name, process in run["processes"].items():
        print(f"      {name:14} {process['cpu_ms_per_request']:7.3f} CPU ms/request  {process['rss_mb']:7.1f} MB RSS")
    with open(os.environ["RESULTS"], "a") as results:
        print(json.dumps(run), file=results)
PY
export RESULTS="$work/results.jsonl"

# A load generator, in the background (so that a signal to the bench is handled at once) and bounded: past its duration
# plus a minute it is stopped and the run fails (h2load's timing mode has been seen not to stop on an overloaded machine).
seconds() { python3 -c 'import re, sys; v, u = re.fullmatch(r"([\d.]+)(ms|s|m|h)?", sys.argv[1]).groups(); print(int(float(v) * {"ms": 0.001, "s": 1, None: 1, "m": 60, "h": 3600}[u]) + 1)' "$1"; }
load() { # duration output command...
  local bound=$(($(seconds "$1") + 60)) out=$2 status=0; shift 2
  timeout "$bound" "$@" >"$out" 2>&1 &
  load_pid=$!
  wait "$load_pid" || status=$?
  load_pid=""
  ((status != 124)) || echo "did not finish within ${bound}s: stopped" >>"$out"
  return "$status"
}
measure() { # chain waf port processes-spec
  local chain=$1 waf=$2 port=$3 spec=$4 url="https://$public_host:$3$path" out="$work/run.out" log="$work/run.log"
  # HTTP/1.1: wrk (keep-alive, no ALPN, so every server speaks HTTP/1.1).
  load "$warmup" /dev/null "${with_hosts[@]}" wrk -t"$threads" -c"$connections" -d"$warmup" "$url" || true
  python3 "$work/measure.py" quiet "$spec"
  python3 "$work/measure.py" snapshot "$spec" >"$work/before.json"
  load "$duration" "$out" "${with_hosts[@]}" wrk -t"$threads" -c"$connections" -d"$duration" --latency "$url" || fail "$chain, WAF $waf: wrk $(tail -1 "$out")"
  python3 "$work/measure.py" snapshot "$spec" >"$work/after.json"
  python3 "$work/measure.py" result "$chain" "$waf" HTTP/1.1 wrk "$out" - "$work/before.json" "$work/after.json"
  # HTTP/2: h2load, STREAMS concurrent streams per connection, latency from its per-request log. Its timing mode (-D)
  # abandons the requests in flight when the time is up (connections x streams of them): the measured run sends a
  # number of requests instead (-n: DURATION x the higher of the warm-up's rate and the HTTP/1.1 run's, as the warm-up
  # includes h2load's ramp-up) and ends when every one has its answer, so the CPU counted is that of exactly the
  # requests counted.
  local h1_rate; h1_rate=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
  load "$warmup" "$work/warmup.out" h2load -t"$threads" -c"$connections" -m"$streams" -D"$warmup" --connect-to="127.0.0.1:$port" "$url" || true
  local rate requests
  rate=$(sed -n 's/^finished in [^,]*, \([0-9.]*\) req\/s.*/\1/p' "$work/warmup.out")
  requests=$(python3 -c 'import sys; print(max(int(max(float(sys.argv[1] or 0), float(sys.argv[2] or 0)) * float(sys.argv[3])), int(sys.argv[4])))' \
    "$rate" "$h1_rate" "$(($(seconds "$duration") - 1))" $((connections * streams)))
  python3 "$work/measure.py" quiet "$spec"
  python3 "$work/measure.py" snapshot "$spec" >"$work/before.json"
  rm -f "$log"
  load "$(($(seconds "$duration") * 3))s" "$out" h2load -t"$threads" -c"$connections" -m"$streams" -n"$requests" --connect-to="127.0.0.1:$port" --log-file="$log" "$url" \
    || fail "$chain, WAF $waf: h2load $(tail -1 "$out")"
  python3 "$work/measure.py" snapshot "$spec" >"$work/after.json"
  python3 "$work/measure.py" result "$chain" "$waf" HTTP/2 h2load "$out" "$log" "$work/before.json" "$work/after.json"
}

# Each chain's answer, through each chain: the workload's report names the hops it came through and the identity the
# workload accepted on its mutual TLS hop (the ingress's), and orders' hop (the workload called it).
check_sample() { # chain file expected-hops
  python3 - "$@" <<'PY' || fail "the $1 chain's answer is not the workload's report through the chain"
import json, sys
chain, file, expected = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
report = json.load(open(file))
hops = [hop["hop"] for hop in report["hops"]]
workload = next(hop for hop in report["hops"] if hop["hop"] == "workload")
assert hops == expected, hops
assert workload["client"] == "spiffe://secureflow.localhost/ns/secureflow/sa/ingress", workload["client"]
print(f"  {chain}: 200, {len(open(file, 'rb').read())} bytes, hops {' -> '.join(hops)}; the workload accepted {workload['client']} ({workload['tlsProtocol']}, {report['workload']['protocol']})")
PY
}
# The WAF switch is real on both: a SQL injection in the query gets 403 with the WAF on, 200 with it off.
expect_waf() { # chain port on|off
  local want=403 got; [[ $3 == off ]] && want=200
  got=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 --cacert "$root" --resolve "$public_host:$2:127.0.0.1" \
    "https://$public_host:$2/api/flow?q=1%27%20OR%20%271%27=%271" || true)
  [[ $got == "$want" ]] || fail "$1 with the WAF $3 answered $got to a SQL injection (expected $want)"
  echo "  $1, WAF $3: a SQL injection gets $got"
}
sample() { # port file
  curl -s -o "$2" -w '%{http_code}' --max-time 10 --cacert "$root" --resolve "$public_host:$1:127.0.0.1" "https://$public_host:$1$path" || true
}

echo
echo "HTTP/1.1: wrk -t$threads -c$connections -d$duration --latency URL"
echo "HTTP/2:   h2load -t$threads -c$connections -m$streams -n<$duration x the higher of its warm-up's and HTTP/1.1's req/s> --connect-to=127.0.0.1:PORT --log-file=... URL"
echo "  URL https://$public_host:PORT$path, each run after a $warmup warm-up; nginx: worker_processes $workers, upstream keepalive $keepalive"
check_sample SecureFlow "$work/sample-secureflow.json" edge,ingress,workload,orders
expect_waf SecureFlow 8443 on
dcp_spec="dcp-proxies=$controllers"
measure SecureFlow on 8443 "edge=$edge ingress=$ingress workload=$workload orders=$orders $dcp_spec"

edge_off_port=$(free_port)
start_edge_waf_off "$edge_off_port" "$(free_port)"
for _ in $(seq 1 100); do [[ $(sample "$edge_off_port" "$work/sample-secureflow-off.json") == 200 ]] && break; sleep 0.2; done
check_sample "SecureFlow (edge WAF off, pid $clone_pid)" "$work/sample-secureflow-off.json" edge,ingress,workload,orders
expect_waf SecureFlow "$edge_off_port" off
measure SecureFlow off "$edge_off_port" "edge=$clone_pid ingress=$ingress workload=$workload orders=$orders $dcp_spec"
kill "$clone_pid"; wait "$clone_pid" 2>/dev/null || true; clone_pid=""

start_nginx "$work/nginx-ingress"
for waf in on off; do
  nginx_edge "$waf"; start_nginx "$work/nginx-edge"
  status=""
  for _ in $(seq 1 50); do status=$(sample "$nginx_edge_port" "$work/sample-nginx.json"); [[ $status == 200 ]] && break; sleep 0.2; done
  [[ $status == 200 ]] || fail "nginx chain answered $status ($(tail -3 "$work/nginx-edge/logs/error.log" "$work/nginx-ingress/logs/error.log"))"
  check_sample "nginx (ModSecurity $waf)" "$work/sample-nginx.json" workload,orders
  expect_waf nginx "$nginx_edge_port" "$waf"
  measure nginx "$waf" "$nginx_edge_port" \
    "nginx-edge=$(cat "$work/nginx-edge/nginx.pid") nginx-ingress=$(cat "$work/nginx-ingress/nginx.pid") workload=$workload orders=$orders $dcp_spec"
  stop_nginx "$work/nginx-edge"
done
echo

python3 - "$RESULTS" <<'PY'
import json, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
def find(chain, waf, protocol):
    return next(run for run in runs if (run["chain"], run["waf"], run["protocol"]) == (chain, waf, protocol))
def proxy_cpu(run):
    return sum(p["cpu_ms_per_request"] for name, p in run["processes"].items() if name in ("edge", "ingress", "nginx-edge", "nginx-ingress"))
print("SecureFlow / nginx (higher req/s ratio is better; lower p99 and CPU ratios are better)")
print(f"{'':18} {'req/s':>8} {'p50':>8} {'p99':>8} {'proxy CPU ms/req':>17} {'whole chain CPU ms/req':>23}")
for waf in ("on", "off"):
    for protocol in ("HTTP/1.1", "HTTP/2"):
        s, n = find("SecureFlow", waf, protocol), find("nginx", waf, protocol)
        label = f"WAF {waf}, {protocol}"
        if s["invalid"] or n["invalid"]:
            print(f"{label:18} not reported: SecureFlow {s['invalid'] or 'ok'}, nginx {n['invalid'] or 'ok'}")
            continue
        total = lambda run: sum(p["cpu_ms_per_request"] for p in run["processes"].values())
        print(f"{label:18} {s['rps'] / n['rps']:8.2f} {s['p50'] / n['p50']:8.2f} {s['p99'] / n['p99']:8.2f} "
              f"{proxy_cpu(s) / proxy_cpu(n):17.2f} {total(s) / total(n):23.2f}")
print("proxy CPU: edge + ingress vs nginx edge + nginx ingress (master and workers); whole chain adds the workload, orders and DCP's proxies")
PY
