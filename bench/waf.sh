#!/usr/bin/env bash
# What the WAF costs, measured in one run on this machine (a benchmark, not a test): requests/s over TLS through
#   - the edge (SecureFlow.Gateway, Release build) with its WAF in Prevention mode and with the WAF off,
#   - the reference WAF (nginx + ModSecurity v3 + CRS 3.3.4, ../shared/tools/waf-reference) with ModSecurity on and off,
# each in front of the same workload process, then the ratios. Target: turning the WAF on costs the edge no more, in
# relative terms, than it costs nginx.
#   env: DURATION (10s), CONNECTIONS (16), THREADS (2), BENCH_PATH (/api/flow?q=...), SHARED (../shared)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
shared=${SHARED:-$repo/../shared}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-16}
threads=${THREADS:-2}
path=${BENCH_PATH:-/api/flow?q=secure+network+flow&page=2}

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
  echo "Not ready: $1" >&2; exit 1
}

requests_per_second() { # port
  local url="https://localhost:$1$path"
  wait_ready "$url"
  wrk -t"$threads" -c"$connections" -d3s "$url" >/dev/null          # warm-up (JIT, connection pools)
  wrk -t"$threads" -c"$connections" -d"$duration" "$url" | awk '/^Requests\/sec:/ { print $2 }'
}

echo "Building the edge and the workload (Release) ..."
dotnet build SecureFlow.Gateway -c Release --nologo -v quiet >/dev/null
dotnet build SecureFlow.Workload -c Release --nologo -v quiet >/dev/null

# One self-signed certificate for SNI "localhost", served by both the edge and nginx (wrk sends the URL's host as SNI).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost -keyout "$work/tls.key" -out "$work/tls.crt" 2>/dev/null

workload_port=$(free_port)
ASPNETCORE_URLS="http://127.0.0.1:$workload_port" Logging__LogLevel__Default=Warning \
  dotnet SecureFlow.Workload/bin/Release/net10.0/SecureFlow.Workload.dll >"$work/workload.log" 2>&1 &
pids+=($!)

edge() { # waf mode -> requests/s
  local port; port=$(free_port)
  Gateway__Name=edge Gateway__Https__Port="$port" \
  Gateway__Certificates__bench__CertificatePath="$work/tls.crt" Gateway__Certificates__bench__KeyPath="$work/tls.key" \
  Tls__MinimumProtocol=Tls12 Tls__CipherSuites__0=TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 Tls__CipherSuites__1=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 \
  ReverseProxy__Routes__workload__ClusterId=workload ReverseProxy__Routes__workload__Match__Path='{**catch-all}' \
  ReverseProxy__Clusters__workload__Destinations__workload__Address="http://127.0.0.1:$workload_port" \
  Waf__Mode="$1" Logging__LogLevel__Default=Warning \
    dotnet SecureFlow.Gateway/bin/Release/net10.0/SecureFlow.Gateway.dll >"$work/edge-$1.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  local rps; rps=$(requests_per_second "$port")
  echo "  edge, WAF $1: $rps requests/s" >&2
  echo "$rps"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

reference() { # on|off -> requests/s
  local port dir="$work/nginx-$1"; port=$(free_port)
  WAF_PORT=$port UPSTREAM="127.0.0.1:$workload_port" TLS_CERT="$work/tls.crt" TLS_KEY="$work/tls.key" \
    bash "$shared/tools/waf-reference/start.sh" "$dir" >/dev/null 2>&1
  if [[ $1 == off ]]; then
    bash "$shared/tools/waf-reference/stop.sh" "$dir" >/dev/null
    while [[ -f $dir/nginx.pid ]]; do sleep 0.1; done
    sed -i 's/modsecurity on;/modsecurity off;/' "$dir/nginx.conf"
    nginx -p "$dir" -c "$dir/nginx.conf" >/dev/null 2>&1
  fi
  local rps; rps=$(requests_per_second "$port")
  echo "  reference nginx, ModSecurity $1: $rps requests/s" >&2
  echo "$rps"
  bash "$shared/tools/waf-reference/stop.sh" "$dir" >/dev/null
}

echo "wrk -t$threads -c$connections -d$duration https://localhost:PORT$path (after a 3 s warm-up each)"
edge_on=$(edge Prevention)
edge_off=$(edge Off)
nginx_on=$(reference on)
nginx_off=$(reference off)

python3 - "$edge_on" "$edge_off" "$nginx_on" "$nginx_off" <<'PY'
import sys
edge_on, edge_off, nginx_on, nginx_off = map(float, sys.argv[1:])
print(f"{'':28} {'WAF on':>10} {'WAF off':>10} {'on/off':>8} {'cost':>7}")
for name, on, off in (("edge (SecureFlow.Gateway)", edge_on, edge_off), ("reference (nginx)", nginx_on, nginx_off)):
    print(f"{name:28} {on:10.0f} {off:10.0f} {on / off:8.2f} {1 - on / off:7.1%}")
edge_cost, nginx_cost = 1 - edge_on / edge_off, 1 - nginx_on / nginx_off
verdict = "met" if edge_cost <= nginx_cost else "NOT met"
print(f"relative cost of the WAF: edge {edge_cost:.1%}, nginx {nginx_cost:.1%} -> target (edge <= nginx) {verdict}")
PY
