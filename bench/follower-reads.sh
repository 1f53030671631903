#!/usr/bin/env bash
# Reads on a two-node cluster with Redis, as docs/benchmarks.md reports them: a finished task (`GET
# /v1/tenants/{tenant}/tasks/{id}`) through the leader and through the follower (which answers it itself), twice each in
# turn, an agent (`GET /v1/tenants/{tenant}/agents/{id}`) the same way (the follower answers from the leader's answer it
# keeps for AgentMesh:Cache:AgentExpiration), then the task through the follower with Redis stopped (it forwards to the
# leader); requests/s, latency, and each node's CPU time per measured request from /proc. Load: bench/read-load.cs,
# CONCURRENCY loops for SECONDS after a warm-up as long.
#
# The nodes run with warnings only in the log and no request rate limits, share one encryption key file and audit keys
# made with `keys rotate`, and listen on free loopback ports beside a redis-server of their own. A new database is
# created for the run (owned by the nodes' role, which must not be a superuser: row-level security) and dropped at the
# end (bench/cluster-nodes.sh).
#
#   bench/follower-reads.sh ADMIN NODE [concurrency=16] [seconds=10]
#     ADMIN  libpq connection string for psql of a role that may create databases, e.g. "host=127.0.0.1 port=5432 user=postgres"
#     NODE   Npgsql connection string of the nodes' role, without Database, e.g. "Host=127.0.0.1;Port=5432;Username=agentmesh;Password=…"
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/cluster-nodes.sh
concurrency=${3:-16}
seconds=${4:-10}
dotnet build bench/read-load.cs -c Release -nologo -v q -clp:ErrorsOnly > /dev/null

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work" --save "" --appendonly no > "$work/redis.log" 2>&1 &
redis_pid=$!
pids+=("$redis_pid")
start_node reads-node1 --redis "127.0.0.1:$redis_port"
start_node reads-node2 --redis "127.0.0.1:$redis_port"
node_pids=("${pids[@]:1}")

key=$(cat "$work/reads-node1/admin.key")
leader="http://127.0.0.1:${ports[0]}"
follower="http://127.0.0.1:${ports[1]}"
api() {
    curl -sf -H "Authorization: Bearer $key" -H 'Content-Type: application/json' "$@"
}

# One finished task: the script is its agent.
api -X POST "$leader/v1/tenants" -d '{"id":"bench","name":"Bench"}' > /dev/null
api -X PUT "$leader/v1/tenants/bench/agents/reader" -d '{"name":"reader","capabilities":[{"name":"work","level":4}],"maxConcurrency":1}' > /dev/null
task=$(api -X POST "$leader/v1/tenants/bench/tasks" -d '{"type":"work","input":{"n":1}}' | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
token=$(api -X POST "$leader/v1/tenants/bench/agents/reader/poll" -d '{"max":1,"waitSeconds":5}' | python3 -c 'import json, sys; print(json.load(sys.stdin)["assignments"][0]["leaseToken"])')
api -X POST "$leader/v1/tenants/bench/tasks/$task/complete" -d "{\"leaseToken\":\"$token\",\"output\":{\"ok\":true}}" > /dev/null
echo "two nodes on database $database with Redis :$redis_port: leader $leader, follower $follower; task $task"

# run NAME URL: the load against URL; its figures, the leader's and the follower's CPU per measured request.
run() {
    echo "$1: $(dotnet bench/read-load.cs -c Release -- "$2" "$key" "$concurrency" "$seconds" "${node_pids[@]}" \
        | sed -E "s/pid ${node_pids[0]} /leader /; s/pid ${node_pids[1]} /follower /")"
}

for round in 1 2; do
    run "task through the leader               " "$leader/v1/tenants/bench/tasks/$task"
    run "task through the follower             " "$follower/v1/tenants/bench/tasks/$task"
done
for round in 1 2; do
    run "agent through the leader              " "$leader/v1/tenants/bench/agents/reader"
    run "agent through the follower            " "$follower/v1/tenants/bench/agents/reader"
done
kill "$redis_pid"
wait "$redis_pid" 2> /dev/null || true
sleep 2
run "task through the follower, Redis down " "$follower/v1/tenants/bench/tasks/$task"
