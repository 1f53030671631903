#!/usr/bin/env bash
# Three cluster nodes on one PostgreSQL database, measured as docs/benchmarks.md reports them: a burn-down and the
# latency at 1,000 tasks/s, each with `agentmesh bench --url` against the leader and against a follower, with the CPU
# time per task of every process on the path: the leader and a follower (read from /proc), the bench with its agent
# process, and PostgreSQL's processes when the database runs on this machine.
#
# The nodes run with the settings of the node `agentmesh bench` starts (warnings only in the log, no request rate
# limits: the bench's agents share one key), share one encryption key file and audit keys made with `keys rotate`, and
# listen on free loopback ports; the first to start leads. A new database is created for the run (owned by the nodes'
# role, which must not be a superuser: row-level security) and dropped at the end (bench/cluster-nodes.sh).
#
#   bench/cluster-bench.sh ADMIN NODE [tasks=50000]
#     ADMIN  libpq connection string for psql of a role that may create databases, e.g. "host=127.0.0.1 port=5432 user=postgres"
#     NODE   Npgsql connection string of the nodes' role, without Database, e.g. "Host=127.0.0.1;Port=5432;Username=agentmesh;Password=…"
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/cluster-nodes.sh
tasks=${3:-50000}
for n in 1 2 3; do
    start_node "bench-node$n"
done

key=$(cat "$work/bench-node1/admin.key")
leader=${ports[0]}
follower=${ports[1]}
echo "three nodes on database $database: leader :$leader ($(curl -s "http://127.0.0.1:$leader/health/ready" | sed -E 's/.*"cluster":"([^"]*)".*/\1/')), followers :${ports[1]} :${ports[2]}"

# The node's CPU time so far, in clock ticks (user + system).
ticks() {
    awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# The same for every PostgreSQL process of this machine (none when the database runs elsewhere). The nodes keep their
# connections open through a run, so the backends that serve them live from its start to its end.
pg_ticks() {
    local pid total=0
    for pid in $(pgrep -x postgres || true); do
        total=$(( total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2> /dev/null || echo 0) ))
    done
    echo "$total"
}

# CPU seconds (user + system) of this shell's finished children — the bench and, through it, its agent process — into
# the variable named $1. `times` runs in this shell, not in a subshell, whose children would be its own.
children_seconds() {
    times > "$work/times"
    printf -v "$1" '%s' "$(awk 'NR == 2 { s = 0; for (i = 1; i <= NF; i++) { split($i, t, "m"); s += t[1] * 60 + t[2] } print s }' "$work/times")"
}

# run NAME PORT [bench options]: one bench against PORT; prints its figures and the CPU per task of each process on the path.
run() {
    local name=$1 port=$2
    shift 2
    local lead_before follow_before pg_before bench_before bench_after result
    lead_before=$(ticks "${pids[0]}")
    follow_before=$(ticks "${pids[1]}")
    pg_before=$(pg_ticks)
    children_seconds bench_before
    result=$(dotnet "$cli" bench --url "http://127.0.0.1:$port" --key "$key" "$@" --json | tail -n 1)
    children_seconds bench_after
    python3 - "$name" "$result" "$(( $(ticks "${pids[0]}") - lead_before ))" "$(( $(ticks "${pids[1]}") - follow_before ))" \
        "$(( $(pg_ticks) - pg_before ))" "$bench_before" "$bench_after" "$(getconf CLK_TCK)" << 'PY'
import json, sys
name, result = sys.argv[1], json.loads(sys.argv[2])
lead, follow, pg = (int(a) for a in sys.argv[3:6])
hz = int(sys.argv[8])
# The CPU was spent on the unmeasured warm-up too, and the bench's and its agent process's on starting up and compiling.
ran = result["tasks"] + result["warmup"]
latency = result["latencyMs"]
us = lambda ticks: ticks * 1_000_000 / hz / ran
bench = (float(sys.argv[7]) - float(sys.argv[6])) * 1_000_000 / ran
total = us(lead) + us(follow) + bench + us(pg)
print(f"{name}: {result['tasksPerSecond']:,.0f} tasks/s, submit→start p50 {latency['p50']:.1f} ms, p99 {latency['p99']:.1f} ms; "
      f"CPU per task (warm-up included): leader {us(lead):.0f} µs, follower {us(follow):.0f} µs, "
      f"bench and agents {bench:.0f} µs, PostgreSQL {us(pg):.0f} µs; "
      f"together {total:.0f} µs")
PY
}

run "burn-down through the leader  " "$leader" --tasks "$tasks" --agents 8 --concurrency 64
run "burn-down through a follower  " "$follower" --tasks "$tasks" --agents 8 --concurrency 64
run "1,000 tasks/s via the leader  " "$leader" --tasks 10000 --agents 4 --concurrency 16 --rate 1000
run "1,000 tasks/s via a follower  " "$follower" --tasks 10000 --agents 4 --concurrency 16 --rate 1000
