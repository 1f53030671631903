# Sourced by the cluster benchmarks (bench/cluster-bench.sh, bench/follower-reads.sh, bench/pg-ceiling.sh, bench/failover.sh): a new database for the run,
# owned by the nodes' role (which must not be a superuser: row-level security), one encryption key file and audit keys
# made with `keys rotate`, and nodes on free loopback ports with the settings of the node `agentmesh bench` starts
# (warnings only in the log, no request rate limits); the database and every process started are removed at exit.
# Sourced from the repository root with the script's arguments in place, it takes ADMIN and NODE, the first two (or prints
# the script's header comment as its usage and exits), and builds the CLI; sets $admin, $node_cs, $cli, $work,
# $database, $pg and $keys, and fills $pids and $ports.
if (( $# < 2 )); then
    sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"
    exit 2
fi
admin=$1
node_cs=$2
cli=src/AgentMesh.Cli/bin/Release/net10.0/agentmesh.dll
dotnet build src/AgentMesh.Cli -c Release -nologo -v q -clp:ErrorsOnly > /dev/null

work=$(mktemp -d)
database="agentmesh_bench_$(date +%s)_$$"
role=$(sed -nE 's/.*(^|;) *(Username|User ID|User Id|UserName) *= *([^;]+).*/\3/Ip' <<< "$node_cs")
pids=()
ports=()
cleanup() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2> /dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2> /dev/null || true
    done
    psql "$admin" -q -c "DROP DATABASE IF EXISTS $database" > /dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

psql "$admin" -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE $database OWNER \"$role\"" > /dev/null
pg="$node_cs;Database=$database"
dotnet "$cli" keys rotate --data "$work/keys" > /dev/null
keys=(--AgentMesh:Encryption:KeyFile "$work/keys/encryption.keys"
      --AgentMesh:Audit:SigningKeyFile "$work/keys/audit-signing.key"
      --AgentMesh:Audit:SubjectKeyFile "$work/keys/audit-subjects.key")

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_node NAME [serve options…]: a node on a free port (audit chain NAME, data and log in $work), added to $pids and
# $ports once it answers /health/ready.
start_node() {
    local name=$1 port
    shift
    port=$(free_port)
    ports+=("$port")
    serve_node "$name" "$port" "$@"
}

# serve_node NAME PORT [serve options…]: the node NAME on PORT (again, after it was stopped: same data, log appended),
# added to $pids; returns once it answers /health/ready, or exits with its log after 30 s.
serve_node() {
    local name=$1 port=$2 ready=""
    shift 2
    dotnet "$cli" serve --store postgres --postgres "$pg" "${keys[@]}" --AgentMesh:Audit:Chain "$name" \
        --data "$work/$name" --urls "http://127.0.0.1:$port" \
        --Logging:LogLevel:Default Warning --AgentMesh:RateLimits:Enabled false "$@" >> "$work/$name.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 150); do
        if curl -sf "http://127.0.0.1:$port/health/ready" > /dev/null; then
            ready=yes
            break
        fi
        sleep 0.2
    done
    if [[ -z "$ready" ]]; then
        echo "node $name did not become ready; its log:" >&2
        cat "$work/$name.log" >&2
        exit 1
    fi
}
