# shellcheck shell=bash
# tests/e2e/stack.sh - the whole generated stack on free loopback ports, for the
# end-to-end test and benchmark. Source it after tests/scripts/lib.sh and t_init.
#
#   stack_build            generate the tpch tree into $T_SCRATCH/tree and make it
#                          (STACK_SANITIZE=1: with ASan + UBSan)
#   stack_start            nats-server, PostgreSQL, worker, ingestion-api, backend
#   stack_start_worker / stack_kill_worker, stack_start_backend / stack_stop_backend
#
# Sets INGEST_URL, DASHBOARD_URL, WS_URL, WORKER_METRICS_URL and the pids
# WORKER_PID, INGEST_PID, BACKEND_PID. Logs go to $T_SCRATCH/logs.

STACK_TREE=$T_SCRATCH/tree
STACK_LOGS=$T_SCRATCH/logs

stack_build() {
    mkdir -p "$STACK_LOGS"
    t_generate "$STACK_TREE" || return 1
    make -C "$STACK_TREE" -j"$(nproc)" SANITIZE="${STACK_SANITIZE:-0}" >"$STACK_LOGS/make.log" 2>&1 || {
        tail -n 30 "$STACK_LOGS/make.log" >&2
        return 1
    }
}

# stack_ready URL: the service answers 200 on URL/ready.
stack_ready() {
    curl -fsS -m 2 -o /dev/null "$1/ready"
}

stack_start_worker() {
    (cd "$STACK_TREE" && exec env METRICS_HOST=127.0.0.1 METRICS_PORT="$WORKER_METRICS_PORT" SCHEMA_FILE="$STACK_TREE/sql/schema.sql" \
        bin/worker >>"$STACK_LOGS/worker.log" 2>&1) &
    WORKER_PID=$!
    T_PIDS+=("$WORKER_PID")
    t_wait_for 30 stack_ready "$WORKER_METRICS_URL"
}

stack_kill_worker() {
    kill -"${1:-KILL}" "$WORKER_PID" 2>/dev/null
    wait "$WORKER_PID" 2>/dev/null
    return 0
}

# These start functions set *_PID in this shell: call them directly, never
# through t_check (which runs its command in a subshell).

stack_start_ingest() {
    (cd "$STACK_TREE" && exec env BIND_ADDRESS=127.0.0.1 PORT="$INGEST_PORT" bin/ingestion-api >>"$STACK_LOGS/ingestion-api.log" 2>&1) &
    INGEST_PID=$!
    T_PIDS+=("$INGEST_PID")
    t_wait_for 30 stack_ready "$INGEST_URL"
}

stack_start_backend() {
    (cd "$STACK_TREE" && exec env BIND_ADDRESS=127.0.0.1 PORT="$DASHBOARD_PORT" STATIC_DIR="$STACK_TREE/dashboard-frontend/dist" \
        bin/dashboard-backend >>"$STACK_LOGS/dashboard-backend.log" 2>&1) &
    BACKEND_PID=$!
    T_PIDS+=("$BACKEND_PID")
    t_wait_for 30 stack_ready "$DASHBOARD_URL"
}

stack_stop_backend() {
    kill -"${1:-TERM}" "$BACKEND_PID" 2>/dev/null
    wait "$BACKEND_PID" 2>/dev/null
    return 0
}

stack_start() {
    mkdir -p "$STACK_LOGS"
    t_start_nats || return 1
    t_start_postgres || return 1
    INGEST_PORT=$(t_free_port)
    DASHBOARD_PORT=$(t_free_port)
    WORKER_METRICS_PORT=$(t_free_port)
    INGEST_URL=http://127.0.0.1:$INGEST_PORT
    DASHBOARD_URL=http://127.0.0.1:$DASHBOARD_PORT
    WS_URL=ws://127.0.0.1:$DASHBOARD_PORT/ws
    WORKER_METRICS_URL=http://127.0.0.1:$WORKER_METRICS_PORT
    export INGEST_URL DASHBOARD_URL WS_URL WORKER_METRICS_URL
    stack_start_worker || { echo "worker did not become ready" >&2; tail -n 20 "$STACK_LOGS/worker.log" >&2; return 1; }
    stack_start_ingest || { echo "ingestion-api did not become ready" >&2; tail -n 20 "$STACK_LOGS/ingestion-api.log" >&2; return 1; }
    stack_start_backend || { echo "dashboard-backend did not become ready" >&2; tail -n 20 "$STACK_LOGS/dashboard-backend.log" >&2; return 1; }
}

# stack_sql QUERY: one value from PostgreSQL.
stack_sql() {
    t_psql -At -c "$1"
}
