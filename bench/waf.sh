#!/usr/bin/env bash
# One hop, measured side by side in one run on this machine (a benchmark, not a test): requests/s over TLS and the
# proxy's CPU time per request (utime + stime from /proc/<pid>/stat before and after, nginx's master and workers summed)
# through
#   - the edge (SecureFlow.Gateway, Release build) with its WAF in Prevention mode and with the WAF off,
#   - the reference WAF (nginx + ModSecurity v3 + CRS 3.3.4, ../shared/tools/waf-reference) with ModSecurity on and off,
#     given as many workers as the machine has cores (the edge's thread pool uses every core too),
# each in front of the same backend (an nginx that answers every request with the same 300-byte JSON), then the ratios.
# The edge is configured as the model configures a gateway (TLS policy and client identity headers taken from the
# published deploy/ingress manifest), with its certificate from files. Targets: the edge serves at least as many requests per
# CPU-second as nginx, WAF on and WAF off.
#   env: DURATION (10s), CONNECTIONS (16), THREADS (2), BENCH_PATH (/api/flow?q=...), SHARED (../shared),
#        NGINX_WORKERS (nproc), WARMUP (10s)
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."
repo=$(pwd)
shared=${SHARED:-$repo/../shared}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-16}
threads=${THREADS:-2}
path=${BENCH_PATH:-/api/flow?q=secure+network+flow&page=2}
nginx_workers=${NGINX_WORKERS:-$(nproc)}
clock_ticks=$(getconf CLK_TCK)
warmup=${WARMUP:-10s}

[[ -x $shared/tools/waf-reference/start.sh || -f $shared/tools/waf-reference/start.sh ]] \
  || { echo "The reference WAF is not at $shared/tools/waf-reference (set SHARED)." >&2; exit 1; }
bash eng/prerequisites.sh
if ! command -v wrk >/dev/null; then
  echo "Installing wrk (the load generator) ..."
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends wrk >/dev/null
fi

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for dir in "$work"/nginx-*; do [[ -f $dir/nginx.pid ]] && bash "$shared/tools/waf-reference/stop.sh" "$dir" >/dev/null; done
  [[ -f $work/backend/nginx.pid ]] && nginx -p "$work/backend" -c "$work/backend/nginx.conf" -s stop
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_ready() { # url
  for _ in $(seq 1 100); do
    curl -s -o /dev/null --cacert "$work/tls.crt" "$1" && return 0
    sleep 0.2
  done
  echo "Not ready: $1" >&2; cat "$work"/edge-*.log >&2 2>/dev/null; exit 1
}

cpu_ticks() { # pid... -> utime + stime of those processes (fields 14 and 15 of /proc/<pid>/stat)
  local total=0 pid
  for pid in "$@"; do
    total=$(( total + $(sed 's/^.*) //' "/proc/$pid/stat" | awk '{ print $12 + $13 }') ))
  done
  echo "$total"
}

measure() { # port pid... -> "requests/s CPU-ms-per-request"
  local port=$1; shift
  local url="https://localhost:$port$path"
  wait_ready "$url"
  wrk -t"$threads" -c"$connections" -d"$warmup" "$url" >/dev/null  # warm-up: the JIT tiers the hot path up (nginx has none), pools fill
  local before after out
  before=$(cpu_ticks "$@")
  out=$(wrk -t"$threads" -c"$connections" -d"$duration" "$url")
  after=$(cpu_ticks "$@")
  if grep -q 'Non-2xx' <<<"$out"; then echo "Non-2xx answers during the run through port $port:" >&2; echo "$out" >&2; exit 1; fi
  awk -v ticks=$(( after - before )) -v hz="$clock_ticks" '
    /^  [0-9]+ requests in/ { requests = $1 }
    /^Requests\/sec:/ { rps = $2 }
    END { printf "%s %.4f\n", rps, ticks * 1000 / hz / requests }' <<<"$out"
}

echo "Building the edge (Release) ..."
dotnet build SecureFlow.Gateway -c Release --nologo -v quiet >/dev/null

# One self-signed certificate for SNI "localhost", served by both the edge and nginx (wrk sends the URL's host as SNI).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost -keyout "$work/tls.key" -out "$work/tls.crt" 2>/dev/null

# The backend: the same answer for every request, from one nginx worker, so that what differs is the proxy.
backend_port=$(free_port)
mkdir -p "$work/backend"
body='{"service":"workload","path":"/api/flow","query":"secure network flow","page":2,"hops":[{"name":"edge","protocol":"TLSv1.3"},{"name":"ingress","protocol":"TLSv1.3"}],"identity":"spiffe://secureflow.localhost/ns/workload/sa/workload","note":"benchmark backend: every request gets this body"}'
cat >"$work/backend/nginx.conf" <<CONF
worker_processes 1;
pid $work/backend/nginx.pid;
error_log $work/backend/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/backend/body; proxy_temp_path $work/backend/proxy; fastcgi_temp_path $work/backend/fcgi;
  uwsgi_temp_path $work/backend/uwsgi; scgi_temp_path $work/backend/scgi;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$backend_port; location / { default_type application/json; return 200 '$body'; } }
}
CONF
nginx -p "$work/backend" -c "$work/backend/nginx.conf"

# The edge's options as the model writes a gateway's: the TLS policy and the client identity headers it drops, read from
# the published ingress manifest (the same TlsPolicy.Baseline and ClientIdentityHeaders.All as the edge's).
edge_environment=()
while IFS= read -r pair; do edge_environment+=("$pair"); done < <(awk '
  /- name: (Tls__|Gateway__ClientIdentityHeaders__)/ { name = $3; getline; sub(/^ *value: */, ""); gsub(/"/, ""); print name "=" $0 }
' deploy/ingress/deployment.tmpl.yaml)
(( ${#edge_environment[@]} > 10 )) || { echo "No gateway options found in deploy/ingress/deployment.tmpl.yaml." >&2; exit 1; }

edge() { # waf mode -> "requests/s CPU-ms-per-request"
  local port; port=$(free_port)
  env "${edge_environment[@]}" Gateway__Name=edge Gateway__Https__Port="$port" Gateway__HstsMaxAge=365.00:00:00 \
    Gateway__Certificates__bench__CertificatePath="$work/tls.crt" Gateway__Certificates__bench__KeyPath="$work/tls.key" \
    Gateway__Routes__workload__Hosts__0=localhost Gateway__Routes__workload__Destination="http://127.0.0.1:$backend_port" \
    Waf__Mode="$1" Logging__LogLevel__Default=Warning \
    dotnet SecureFlow.Gateway/bin/Release/net10.0/SecureFlow.Gateway.dll >"$work/edge-$1.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  local result; result=$(measure "$port" "$pid")
  echo "  edge, WAF $1: ${result% *} requests/s, ${result#* } CPU ms/request" >&2
  echo "$result"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

reference() { # on|off -> "requests/s CPU-ms-per-request"
  local port dir="$work/nginx-$1"; port=$(free_port)
  WAF_PORT=$port UPSTREAM="127.0.0.1:$backend_port" TLS_CERT="$work/tls.crt" TLS_KEY="$work/tls.key" \
    bash "$shared/tools/waf-reference/start.sh" "$dir" >/dev/null 2>&1
  # The reference starts one worker; restarted with as many as there are cores (and ModSecurity off for "off").
  bash "$shared/tools/waf-reference/stop.sh" "$dir" >/dev/null
  while [[ -f $dir/nginx.pid ]]; do sleep 0.1; done
  sed -i "s/^worker_processes 1;/worker_processes $nginx_workers;/" "$dir/nginx.conf"
  [[ $1 == off ]] && sed -i 's/modsecurity on;/modsecurity off;/' "$dir/nginx.conf"
  nginx -p "$dir" -c "$dir/nginx.conf" >/dev/null 2>&1
  local master; master=$(cat "$dir/nginx.pid")
  wait_ready "https://localhost:$port$path"
  local result; result=$(measure "$port" "$master" $(pgrep -P "$master"))
  echo "  reference nginx ($nginx_workers workers), ModSecurity $1: ${result% *} requests/s, ${result#* } CPU ms/request" >&2
  echo "$result"
  bash "$shared/tools/waf-reference/stop.sh" "$dir" >/dev/null
}

echo "wrk -t$threads -c$connections -d$duration https://localhost:PORT$path (after a $warmup warm-up each)"
edge_on=$(edge Prevention)
edge_off=$(edge Off)
nginx_on=$(reference on)
nginx_off=$(reference off)

python3 - $edge_on $edge_off $nginx_on $nginx_off <<'PY'
import sys
edge_on_rps, edge_on_cpu, edge_off_rps, edge_off_cpu, nginx_on_rps, nginx_on_cpu, nginx_off_rps, nginx_off_cpu = map(float, sys.argv[1:])
print(f"{'':30} {'req/s':>8} {'CPU ms/req':>11} {'req per CPU-s':>14}")
rows = (("edge, WAF on", edge_on_rps, edge_on_cpu), ("nginx, ModSecurity on", nginx_on_rps, nginx_on_cpu),
        ("edge, WAF off", edge_off_rps, edge_off_cpu), ("nginx, ModSecurity off", nginx_off_rps, nginx_off_cpu))
for name, rps, cpu in rows:
    print(f"{name:30} {rps:8.0f} {cpu:11.3f} {1000 / cpu:14.0f}")
for waf, edge_rps, edge_cpu, nginx_rps, nginx_cpu in (("on", edge_on_rps, edge_on_cpu, nginx_on_rps, nginx_on_cpu),
                                                      ("off", edge_off_rps, edge_off_cpu, nginx_off_rps, nginx_off_cpu)):
    ratio = nginx_cpu / edge_cpu
    verdict = "met" if ratio >= 1.0 else "NOT met"
    print(f"WAF {waf:3}: edge/nginx requests per CPU-second {ratio:.2f}, requests/s {edge_rps / nginx_rps:.2f} -> target (>= 1.0 per CPU-second) {verdict}")
PY
