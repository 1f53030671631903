#!/usr/bin/env bash
# Failover on a two-node cluster, as docs/benchmarks.md reports it: agents in a process of their own (samples/EchoAgent,
# given both node addresses) work for the cluster; each round kills the leader with SIGKILL, measures how long the other
# node takes to lead, then submits one task through it and measures how long that task takes to succeed — the time the
# agents need to find the new leader — and restarts the killed node on its address (it follows). Prints one line a round.
#
# The nodes run with warnings only in the log and no request rate limits, share one encryption key file and audit keys
# made with `keys rotate`, and listen on free loopback ports. A new database is created for the run (owned by the nodes'
# role, which must not be a superuser: row-level security) and dropped at the end (bench/cluster-nodes.sh).
#
#   bench/failover.sh ADMIN NODE [rounds=5]
#     ADMIN  libpq connection string for psql of a role that may create databases, e.g. "host=127.0.0.1 port=5432 user=postgres"
#     NODE   Npgsql connection string of the nodes' role, without Database, e.g. "Host=127.0.0.1;Port=5432;Username=agentmesh;Password=…"
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/cluster-nodes.sh
rounds=${3:-5}
dotnet build samples/EchoAgent -c Release -nologo -v q -clp:ErrorsOnly > /dev/null

start_node failover-a
start_node failover-b
key=$(cat "$work/failover-a/admin.key")
urls=("http://127.0.0.1:${ports[0]}" "http://127.0.0.1:${ports[1]}")
names=(failover-a failover-b)
node_pids=("${pids[0]}" "${pids[1]}")
api() {
    curl -sf -H "Authorization: Bearer $key" -H 'Content-Type: application/json' "$@"
}

api -X POST "${urls[0]}/v1/tenants" -d '{"id":"bench","name":"Bench"}' > /dev/null
dotnet samples/EchoAgent/bin/Release/net10.0/EchoAgent.dll --url "${urls[0]},${urls[1]}" --key "$key" --tenant bench \
    --agents 2 > "$work/agents.log" 2>&1 &
pids+=($!)

# succeed URL: submits an echo task through URL and waits until it has succeeded (at most 60 s).
succeed() {
    local id status=""
    id=$(api -X POST "$1/v1/tenants/bench/tasks" -d '{"type":"echo","requirements":[{"capability":"echo"}],"input":{}}' \
        | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
    for _ in $(seq 1200); do
        status=$(api "$1/v1/tenants/bench/tasks/$id" | python3 -c 'import json, sys; print(json.load(sys.stdin)["status"])' || true)
        if [[ "$status" == succeeded ]]; then
            return 0
        fi
        sleep 0.05
    done
    echo "task $id did not succeed within 60 s (status ${status:-unknown})" >&2
    exit 1
}

succeed "${urls[0]}"
echo "two nodes on database $database: ${urls[0]} leads, ${urls[1]} follows; two echo agents know both"
leader=0
for round in $(seq "$rounds"); do
    other=$((1 - leader))
    killed=$(date +%s.%N)
    kill -9 "${node_pids[$leader]}"
    { wait "${node_pids[$leader]}"; } 2> /dev/null || true
    until curl -sf "${urls[$other]}/health/ready" | grep -q '"cluster":"leader"'; do
        sleep 0.05
    done
    took_over=$(date +%s.%N)
    succeed "${urls[$other]}"
    done_at=$(date +%s.%N)
    printf 'round %d: %s killed; %s leads after %.2f s; a task submitted then succeeded %.2f s later\n' "$round" \
        "${names[$leader]}" "${names[$other]}" "$(bc <<< "$took_over - $killed")" "$(bc <<< "$done_at - $took_over")"

    # The killed node comes back on its address; the other node holds the lease, so it follows.
    serve_node "${names[$leader]}" "${ports[$leader]}"
    node_pids[$leader]=${pids[-1]}
    leader=$other
done
