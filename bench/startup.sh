#!/usr/bin/env bash
# Benchmark (not a test): how long the AppHost takes from its process start (`dotnet run --project SecureFlow.AppHost
# --no-build`, as a developer's second F5 does) to
#   first-200: the first 200 through the whole chain (https://delta.secureflow.localhost:8443/ through the edge, the
#              ingress and the workload), by curl with SNI, trusting only the development CA's root, every 50 ms;
#   healthy:   every resource up: each resource with health checks has reported Healthy once and every other one is
#              Running, read from the AppHost's own log (Aspire's health monitor and resource notifications, which log
#              resource names and states only, no values).
# It builds once, then runs the AppHost STARTUP_RUNS times, each a fresh process, killed with its whole process tree
# (its process group and DCP's, found by the AppHost's pid) before the next run starts on free ports.
#
# Knobs (environment):
#   STARTUP_RUNS=5               runs per mode
#   STARTUP_CONFIGURATION=Debug  Debug (as F5 and run.sh) or Release
#   STARTUP_MODES="warm first"   warm: the vault emulator's data as the previous run left it (the normal second run);
#                                first: an empty vault data folder each run (a developer's first start)
#   STARTUP_BUILD=1              0 skips the build (the binaries must be there)
#   STARTUP_TIMEOUT=120          seconds one run may take before it counts as failed
#   STARTUP_KEEP_LOGS=DIR        keep each run's AppHost log and DCP's per-resource logs (timestamped) under DIR
#   STARTUP_ARGS="..."           extra AppHost arguments (configuration: --Key=value), for every run
#   STARTUP_COMPARE="..."        a second set of AppHost arguments: each run is then a pair, one run with STARTUP_ARGS
#                                and one with these, in turn, and the medians of both and of the pairs' differences print
#   STARTUP_COMPARE_TREE=DIR     the second of each pair runs the AppHost of another checkout (built there the same way),
#                                e.g. a `git worktree` of the commit before a change; with or without STARTUP_COMPARE
#   STARTUP_COMPARE_ENV="K=V .." environment for the second of each pair only (the services inherit the AppHost's), e.g.
#                                DOTNET_TieredPGO=0
# Needs curl and ss (iproute2); the vault data of the runs lives in a temporary folder, not the developer's.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${STARTUP_RUNS:-5}
configuration=${STARTUP_CONFIGURATION:-Debug}
modes=${STARTUP_MODES:-warm first}
timeout=${STARTUP_TIMEOUT:-120}
keep=${STARTUP_KEEP_LOGS:-}
host=delta.secureflow.localhost
port=8443
url="https://$host:$port/"
# The AppHost's fixed ports (launch profile): the dashboard, its OTLP and resource service endpoints, and the edge.
fixed_ports=(17201 15201 21201 22201 "$port")

ca_directory=${SECUREFLOW_DEV_CA:-"${XDG_DATA_HOME:-$HOME/.local/share}/SecureFlow/dev-ca"}
root_certificate="$ca_directory/root.crt"

work=$(mktemp -d /tmp/secureflow-startup-XXXXXX)
apphost_pid=
cleanup() {
    [[ -n $apphost_pid ]] && stop_apphost "$apphost_pid"
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# The AppHost logs with UTC timestamps "HH:MM:SS.fff"; DCP's logs with ISO timestamps.
to_epoch() { date -u -d "$(date -u +%F) $1" +%s.%N; }

ports_in_use() {
    local busy=()
    for p in "${fixed_ports[@]}"; do
        if ss -Hltn "sport = :$p" | grep -q .; then busy+=("$p"); fi
    done
    echo "${busy[*]}"
}

wait_ports_free() {
    local deadline=$((SECONDS + 60)) busy
    while busy=$(ports_in_use) && [[ -n $busy ]]; do
        if ((SECONDS > deadline)); then
            echo "ports still in use after 60 s: $busy (another AppHost running?)" >&2
            ss -Hltnp | grep -E ":($(tr ' ' '|' <<<"$busy"))\b" >&2 || true
            return 1
        fi
        sleep 0.5
    done
}

# Every process of this AppHost run: its process group (dotnet run and the AppHost), DCP (its own sessions, started
# with --monitor <AppHost pid>) and everything below them (the services, in DCP's sessions).
tree_pids() {
    local group=$1 apphost=$2
    ps -eo pid=,ppid=,pgid=,args= | awk -v g="$group" -v m="--monitor $apphost " '
        { parent[$1] = $2; if ($3 == g || (index($0, "/dcp ") && index($0 " ", m))) root[$1] = 1 }
        END {
            for (p in parent) { for (q = p; q != "" && q > 1; q = parent[q]) if (q in root) { print p; break } }
        }'
}

stop_apphost() {
    local group=$1 apphost pids
    apphost=$(ps -eo pid=,pgid=,args= | awk -v g="$group" '$2 == g && index($0, "SecureFlow.AppHost/bin/") { print $1; exit }')
    pids=$(tree_pids "$group" "${apphost:-none}")
    # SIGTERM first (DCP stops the services), then SIGKILL whatever is left after 15 s.
    kill -TERM -- "-$group" 2>/dev/null || true
    local deadline=$((SECONDS + 15))
    while ((SECONDS < deadline)); do
        local alive=0
        for p in $pids; do kill -0 "$p" 2>/dev/null && alive=1; done
        ((alive == 0)) && break
        sleep 0.25
    done
    for p in $pids; do kill -KILL "$p" 2>/dev/null || true; done
    apphost_pid=
}

# One run: sets result to "first200 healthy", in seconds from the AppHost process start.
run_once() {
    local vault_data=$1 label=$2 extra=$3 tree=$4 environment=$5 log="$work/apphost.log"
    wait_ports_free
    : >"$log"
    local start
    start=$(now)
    # setsid: its own process group, to kill the whole tree; the log levels add the health monitor's and the
    # notifications' lines (names and states), with UTC timestamps.
    # shellcheck disable=SC2086 # $environment and $extra are lists of words.
    env $environment Logging__Console__TimestampFormat='HH:mm:ss.fff ' Logging__Console__UseUtcTimestamp=true \
        'Logging__LogLevel__Aspire.Hosting.Health.ResourceHealthCheckService=Trace' \
        'Logging__LogLevel__Aspire.Hosting.ApplicationModel.ResourceNotificationService=Debug' \
        setsid dotnet run --project "$tree/SecureFlow.AppHost" --no-build -c "$configuration" -- \
        "--SecureFlow:KeyVault:DataDirectory=$vault_data" $extra >"$log" 2>&1 &
    apphost_pid=$!

    local first200= healthy= deadline code
    deadline=$(awk -v s="$start" -v t="$timeout" 'BEGIN { printf "%d", s + t }')
    while [[ -z $first200 || -z $healthy ]]; do
        if [[ -z $first200 && -f $root_certificate ]]; then
            code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 --cacert "$root_certificate" \
                --resolve "$host:$port:127.0.0.1" "$url" 2>/dev/null || true)
            [[ $code == 200 ]] && first200=$(seconds "$start" "$(now)")
        fi
        if [[ -z $healthy ]] && grep -q 'Distributed application started' "$log"; then
            healthy=$(all_healthy_at "$log" "$start")
        fi
        if ! kill -0 "$apphost_pid" 2>/dev/null; then
            echo "the AppHost exited during run $label:" >&2
            tail -20 "$log" >&2
            return 1
        fi
        if (($(date +%s) > deadline)); then
            echo "run $label: not up after $timeout s (first-200 '${first200:-}', healthy '${healthy:-}')" >&2
            break
        fi
        sleep 0.05
    done

    if [[ -n $keep ]]; then
        mkdir -p "$keep/$label"
        cp "$log" "$keep/$label/apphost.log"
        local dcp_directory
        dcp_directory=$(grep -oE -- '--kubeconfig /tmp/aspire-dcp[^/ ]+' <(ps -eo args=) | head -1 | awk '{ print $2 }' || true)
        [[ -n $dcp_directory ]] && cp "$dcp_directory"/*_out "$dcp_directory"/resource-executable-*.log "$keep/$label/" 2>/dev/null || true
        echo "$start" >"$keep/$label/start"
    fi
    stop_apphost "$apphost_pid"
    result="${first200:-fail} ${healthy:-fail}"
}

# The time (from start) by which every resource was up: the health monitor's first "Healthy" for each resource that has
# health checks, and "Running" for those that have none, over every resource DCP started. Empty while one is not yet.
all_healthy_at() {
    local log=$1 start=$2
    awk -v q="'" '
        function quoted(line) { split(line, parts, q); return parts[2] }
        function notified(line,   n, i, words, id) { n = split(line, words, " "); for (i = 1; i < n; i++) if (words[i] == "Resource") { split(words[i + 1], id, "/"); return id[1] } }
        /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9][0-9][0-9] / { ts = substr($0, 1, 12) }
        /changed state: (.* -> )?Starting$/ { started[notified($0)] = 1 }
        /changed state: (.* -> )?Running$/ { name = notified($0); if (!(name in running)) running[name] = ts }
        /health checks to monitor:/ { checked[quoted($0)] = 1 }
        /has no health checks to monitor/ { unchecked[quoted($0)] = 1 }
        /Health report status for .* is Healthy/ { name = quoted($0); if (!(name in healthy)) healthy[name] = ts }
        END {
            last = ""
            for (name in started) {
                if (name in checked) { if (!(name in healthy)) exit; t = healthy[name] }
                else if (name in unchecked) { if (!(name in running)) exit; t = running[name] }
                else exit
                if (t > last) last = t
            }
            if (last != "") print last
        }' "$log" | while read -r ts; do
        seconds "$start" "$(to_epoch "$ts")"
    done
}

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) { print "n/a" } else if (NR % 2) { print a[(NR + 1) / 2] } else { printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 } }'; }

if [[ ! -f $root_certificate ]]; then
    echo "note: no development CA root at $root_certificate yet; the first run creates it." >&2
fi

if [[ ${STARTUP_BUILD:-1} == 1 ]]; then
    echo "building SecureFlow.AppHost ($configuration) ..."
    for tree in "$PWD" ${STARTUP_COMPARE_TREE:+"$STARTUP_COMPARE_TREE"}; do
        dotnet build "$tree/SecureFlow.AppHost" -c "$configuration" --nologo -v quiet >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
    done
fi

variants=("${STARTUP_ARGS:-}")
trees=("$PWD")
environments=("")
if [[ -n ${STARTUP_COMPARE:-} || -n ${STARTUP_COMPARE_TREE:-} || -n ${STARTUP_COMPARE_ENV:-} ]]; then
    variants+=("${STARTUP_COMPARE:-${STARTUP_ARGS:-}}")
    trees+=("$(cd "${STARTUP_COMPARE_TREE:-$PWD}" && pwd)")
    environments+=("${STARTUP_COMPARE_ENV:-}")
fi
describe() { echo "$2 ($(git -C "$2" describe --always --dirty 2>/dev/null || echo '?')), args: ${1:-(none)}, environment: ${3:-(as is)}"; }

echo "startup: $runs runs per mode ($modes), $configuration, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for v in "${!variants[@]}"; do echo "variant $v: $(describe "${variants[$v]}" "${trees[$v]}" "${environments[$v]}" "${environments[$v]}")"; done
for mode in $modes; do
    for v in "${!variants[@]}"; do
        vault_data="$work/vault-$mode-$v"
        if [[ $mode == warm ]]; then
            # One run not counted, so that the first counted run finds the state a previous run left.
            echo "warm: priming the vault data of variant $v (not counted) ..."
            run_once "$vault_data" "warm-prime-$v" "${variants[$v]}" "${trees[$v]}" "${environments[$v]}"
        fi
        : >"$work/$mode-$v.results"
    done
    for i in $(seq 1 "$runs"); do
        for v in "${!variants[@]}"; do
            vault_data="$work/vault-$mode-$v"
            if [[ $mode == first ]]; then rm -rf "$vault_data"; fi
            run_once "$vault_data" "$mode-$v-$i" "${variants[$v]}" "${trees[$v]}" "${environments[$v]}"
            echo "$result" >>"$work/$mode-$v.results"
            read -r first200 healthy <<<"$result"
            printf '%-6s variant %d run %d: first-200 %6s s   all-healthy %6s s\n' "$mode" "$v" "$i" "$first200" "$healthy"
        done
    done
    for v in "${!variants[@]}"; do
        printf '%-6s variant %d median: first-200 %6s s   all-healthy %6s s\n' "$mode" "$v" \
            "$(awk '$1 != "fail" { print $1 }' "$work/$mode-$v.results" | median)" \
            "$(awk '$2 != "fail" { print $2 }' "$work/$mode-$v.results" | median)"
    done
    if ((${#variants[@]} == 2)); then
        printf '%-6s median of the pairs (variant 1 - variant 0): first-200 %6s s   all-healthy %6s s\n' "$mode" \
            "$(paste -d' ' "$work/$mode-0.results" "$work/$mode-1.results" | awk '$1 != "fail" && $3 != "fail" { printf "%.2f\n", $3 - $1 }' | median)" \
            "$(paste -d' ' "$work/$mode-0.results" "$work/$mode-1.results" | awk '$2 != "fail" && $4 != "fail" { printf "%.2f\n", $4 - $2 }' | median)"
    fi
    echo "$mode: load average now $(cut -d' ' -f1-3 /proc/loadavg)"
done
