#!/usr/bin/env bash
# What PostgreSQL alone can do of a cluster leader's writes, with no node, agent or submitter on the machine: the bound
# the database puts on `agentmesh bench --store postgres` there, and where its time goes.
#
# pgbench replays the shape of the leader's commits on AgentMesh's own schema (made with `agentmesh migrate`, as the
# node's role, so row-level security applies as it does for a node): per transaction, BATCH tasks submitted (the
# multi-row upsert), BATCH earlier ones leased (the multi-row update of the changing columns) and BATCH finished, and
# their 3 × BATCH events numbered from the shared sequence row; rows of the sizes a no-op burn-down writes. Every task
# thus goes through one insert, two updates and three events, as in the burn-down. Durability is the server's own
# (`synchronous_commit` and `fsync` as configured). Printed in tasks per second:
#   lifecycle, 1 client    one transaction at a time, as the leader commits (its commit loop has one in flight)
#   lifecycle, 2 clients   two at a time: what a commit loop with two in flight could take from this server
#   tasks only / events only, 1 client: the two halves of the lifecycle on their own
# A new database is created for the run (owned by the nodes' role, which must not be a superuser) and dropped at the end.
#
#   bench/pg-ceiling.sh ADMIN NODE [batch=100] [seconds=15]
#     ADMIN  libpq connection string for psql of a role that may create databases, e.g. "host=127.0.0.1 port=5432 user=postgres"
#     NODE   Npgsql connection string of the nodes' role, without Database, e.g. "Host=127.0.0.1;Port=5432;Username=agentmesh;Password=…"
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/cluster-nodes.sh
batch=${3:-100}
seconds=${4:-15}
dotnet "$cli" migrate --store postgres --postgres "$pg" "${keys[@]}" > "$work/migrate.log" 2>&1 || { cat "$work/migrate.log" >&2; exit 1; }

# The node's Npgsql connection string as libpq keywords for pgbench, each value quoted (a password may hold spaces).
libpq=$(tr ';' '\n' <<< "$pg" | awk -F= '
    { key = tolower($1); gsub(/ /, "", key); value = substr($0, index($0, "=") + 1)
      gsub(/\\/, "\\\\\\\\", value); gsub(/\047/, "\\\047", value); value = "\047" value "\047" }
    key == "host" || key == "server" { print "host=" value }
    key == "port" { print "port=" value }
    key == "username" || key == "userid" || key == "user" { print "user=" value }
    key == "password" { print "password=" value }
    key == "database" { print "dbname=" value }' | paste -sd' ')

# A task id per client, tick and row: UUIDv7-shaped and rising, as the node's are.
id() {
    echo "('00000000-0000-7000-8000-' || lpad(to_hex(:client_id::bigint * 1000000000 + ($1) * :batch + g), 12, '0'))::uuid"
}

# Version $3 of the BATCH tasks of tick $1: the columns the leader's multi-row update writes, ids and versions unnested
# from arrays as the node sends them (with constants in their place the planner would scan the table).
update() {
    cat <<SQL
UPDATE tasks AS t SET status = u.status, output = u.output, error = u.error, cancel_requested = u.cancel_requested,
    progress = u.progress, attempts = u.attempts, attempt_budget_start = u.attempt_budget_start, updated_at = u.updated_at,
    next_attempt_at = u.next_attempt_at, finished_at = u.finished_at, agent_id = u.agent_id, lease_token = u.lease_token,
    lease_expires_at = u.lease_expires_at, version = u.version
FROM (SELECT u.id, u.version, $2
      FROM unnest(ARRAY(SELECT $(id "$1") FROM generate_series(1, :batch) g), array_fill($3::bigint, ARRAY[:batch])) AS u(id, version)) AS u
WHERE t.id = u.id AND t.version < u.version RETURNING t.id;
SQL
}

attempt='{"number":1,"agentId":"bench-0001","leaseStartedAt":"2026-12-04T18:49:00.441583+00:00"'
submit="INSERT INTO tasks (id, status, output, error, cancel_requested, progress, attempts, attempt_budget_start, updated_at,
    next_attempt_at, finished_at, agent_id, lease_token, lease_expires_at, version, requirements, priority, deadline, timeout,
    max_attempts, target_agent, strategy, labels, requires_approval, required_success_rate, trace_parent, tenant, type,
    idempotency_key, parent_task_id, workflow_id, correlation_id, created_at, input)
SELECT $(id ':tick'), 'pending', NULL, NULL, false, NULL, NULL, 0, 639320069401413945, NULL, NULL, NULL, NULL, NULL, 1,
    '[{\"capability\":\"noop\",\"minLevel\":1}]', 3, NULL, 300, 4, NULL, 'default', NULL, false, NULL,
    '00-59cac6169ec667548af6333d8614c535-7a32181607873929-00', 'bench-d348e46a', 'noop', NULL, NULL, NULL, NULL,
    639320069401413945, 'amenc1:k-75eb05b24bfd:' || repeat('x', 64)
FROM generate_series(1, :batch) g
ON CONFLICT (id) DO UPDATE SET status = excluded.status WHERE tasks.version < excluded.version;"
lease=$(update ':tick - 1' "'running'::text AS status, NULL::text AS output, NULL::text AS error, false AS cancel_requested,
    NULL::text AS progress, '[$attempt}]'::text AS attempts, 0 AS attempt_budget_start, 639320069415822104::bigint AS updated_at,
    NULL::bigint AS next_attempt_at, NULL::bigint AS finished_at, 'bench-0001'::text AS agent_id,
    'lt_0123456789abcdefghijkl'::text AS lease_token, 639320072415822104::bigint AS lease_expires_at" 2)
finish=$(update ':tick - 2' "'succeeded'::text AS status, 'amenc1:k-75eb05b24bfd:' || repeat('y', 44) AS output,
    NULL::text AS error, false AS cancel_requested, NULL::text AS progress,
    '[$attempt,\"leaseEndedAt\":\"2026-12-04T18:49:01.5822104+00:00\",\"outcome\":\"succeeded\"}]'::text AS attempts,
    0 AS attempt_budget_start, 639320069425822104::bigint AS updated_at, NULL::bigint AS next_attempt_at,
    639320069425822104::bigint AS finished_at, NULL::text AS agent_id, NULL::text AS lease_token,
    NULL::bigint AS lease_expires_at" 3)
events="WITH block AS (UPDATE event_sequence SET last = last + 3 * :batch RETURNING last)
INSERT INTO events (sequence, id, tenant, type, subject, time, task_id, agent_id, trace_parent, data)
SELECT block.last - 3 * :batch + g, gen_random_uuid(), 'bench-d348e46a', 'agentmesh.task.assigned',
    'tasks/01a2426d-e42d-72c9-adbc-249d135db8aa', 639320069415822104, gen_random_uuid(), 'bench-0001',
    '00-59cac6169ec667548af6333d8614c535-7a32181607873929-00', convert_to(repeat('e', 120), 'UTF8')
FROM block, generate_series(1, 3 * :batch) g;
SELECT last FROM event_sequence;"

# script NAME PARTS…: a pgbench script of one transaction with the given statements, scoped to every tenant as the leader's are.
script() {
    local name=$1
    shift
    {
        echo '\set tick :tick + 1'
        echo 'BEGIN;'
        echo "SELECT set_config('agentmesh.tenant', '*', true);"
        printf '%s\n' "$@"
        echo 'COMMIT;'
    } > "$work/$name.sql"
}
script lifecycle "$submit" "$lease" "$finish" "$events"
script tasks "$submit" "$lease" "$finish"
script events "$events"

# run LABEL SCRIPT CLIENTS: tasks per second on empty tables.
run() {
    psql "$libpq" -q -v ON_ERROR_STOP=1 -c "TRUNCATE tasks, events" -c "VACUUM ANALYZE tasks, events" > /dev/null
    local out
    out=$(pgbench -n "$libpq" -f "$work/$2.sql" -D batch="$batch" -D tick=0 -c "$3" -j "$3" -T "$seconds" 2>&1) || { echo "$out" >&2; exit 1; }
    awk -v label="$1" -v batch="$batch" '/^tps/ { printf "%-24s %8.0f tasks/s\n", label, $3 * batch }' <<< "$out"
}

echo "PostgreSQL $(psql "$libpq" -Atc 'SHOW server_version'), synchronous_commit $(psql "$libpq" -Atc 'SHOW synchronous_commit'), fsync $(psql "$libpq" -Atc 'SHOW fsync'); $batch tasks a transaction, $seconds s a run"
run "lifecycle, 1 client" lifecycle 1
run "lifecycle, 2 clients" lifecycle 2
run "tasks only, 1 client" tasks 1
run "events only, 1 client" events 1
