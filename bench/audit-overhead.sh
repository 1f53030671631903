#!/usr/bin/env bash
# Throughput with the audit log on vs off (SPEC §14: ≥ 95 %), measured on running nodes.
#
# For each sitting, a node with the audit log on and one with it off are started in turn (the order alternates
# between sittings), each on a new data folder and with the settings of the node `agentmesh bench` starts (warnings
# only in the log, no request rate limits: the burn-down's agents share one key); against each, one burn-down warms the node up, unmeasured, then
# ROUNDS burn-downs of TASKS no-op tasks are measured with `agentmesh bench --url`. Prints every figure, the mean
# per mode and the ratio, and the node's own CPU time per 1,000 tasks (from /proc), which varies far less from run to
# run than throughput on a shared machine. Run it on a quiet machine: on 2 cores anything else running decides the result.
#
#   bench/audit-overhead.sh [sittings=2] [rounds=4] [tasks=50000] [more `agentmesh bench` options, e.g. --batch 1]
set -euo pipefail
cd "$(dirname "$0")/.."

sittings=${1:-2}
rounds=${2:-4}
tasks=${3:-50000}
shift $(( $# < 3 ? $# : 3 ))
options=("$@")
cli=src/AgentMesh.Cli/bin/Release/net10.0/agentmesh.dll
dotnet build src/AgentMesh.Cli -c Release -nologo -v q -clp:ErrorsOnly > /dev/null

work=$(mktemp -d)
node=""
cleanup() {
    [[ -n "$node" ]] && kill "$node" 2> /dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

declare -A figures=([on]="" [off]="")
declare -A cpu=([on]="" [off]="")

# The node's CPU time so far, in clock ticks (user + system).
ticks() {
    awk '{ print $14 + $15 }' "/proc/$1/stat"
}

burn_down() {
    dotnet "$cli" bench --url "http://127.0.0.1:$2" --data "$1" --tasks "$tasks" --agents 8 --concurrency 64 "${options[@]}" --json \
        | tail -n 1 | sed -E 's/.*"tasksPerSecond":([0-9.]+).*/\1/'
}

measure() {
    local mode=$1 sitting=$2
    local data="$work/$mode-$sitting"
    local port
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    local enabled=true
    [[ "$mode" == off ]] && enabled=false
    AgentMesh__Audit__Enabled=$enabled dotnet "$cli" serve --data "$data" --urls "http://127.0.0.1:$port" \
        --Logging:LogLevel:Default Warning --AgentMesh:RateLimits:Enabled false > "$data.log" 2>&1 &
    node=$!
    for _ in $(seq 100); do
        [[ -f "$data/admin.key" ]] && curl -sf "http://127.0.0.1:$port/health/ready" > /dev/null && break
        sleep 0.2
    done

    local warm
    warm=$(burn_down "$data" "$port")
    local line="sitting $sitting, audit $mode: warm-up $warm, measured"
    local spent=""
    for _ in $(seq "$rounds"); do
        local rate before
        before=$(ticks "$node")
        rate=$(burn_down "$data" "$port")
        local per_thousand
        per_thousand=$(( ($(ticks "$node") - before) * 1000 * 1000 / $(getconf CLK_TCK) / tasks ))
        figures[$mode]+=" $rate"
        cpu[$mode]+=" $per_thousand"
        line+=" $rate"
        spent+=" $per_thousand"
    done

    kill "$node"
    wait "$node" 2> /dev/null || true
    node=""
    echo "$line tasks/s; node CPU$spent ms per 1,000 tasks"
}

for sitting in $(seq "$sittings"); do
    if (( sitting % 2 == 1 )); then
        measure on "$sitting"
        measure off "$sitting"
    else
        measure off "$sitting"
        measure on "$sitting"
    fi
done

python3 - "${figures[on]}" "${figures[off]}" "${cpu[on]}" "${cpu[off]}" << 'PY'
import statistics, sys
on, off, cpu_on, cpu_off = ([float(x) for x in a.split()] for a in sys.argv[1:5])
print(f"audit on:  mean {statistics.mean(on):,.0f} tasks/s over {len(on)} burn-downs, node CPU {statistics.mean(cpu_on):,.0f} ms per 1,000 tasks")
print(f"audit off: mean {statistics.mean(off):,.0f} tasks/s over {len(off)} burn-downs, node CPU {statistics.mean(cpu_off):,.0f} ms per 1,000 tasks")
print(f"on / off: {statistics.mean(on) / statistics.mean(off):.1%} of the throughput; the audit log costs the node {statistics.mean(cpu_on) / statistics.mean(cpu_off) - 1:+.1%} CPU per task")
PY
