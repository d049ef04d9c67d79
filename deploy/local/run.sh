#!/usr/bin/env bash
# deploy/local/run.sh - the whole stack on this machine, no Docker needed:
# installs the Debian packages, builds nomnom, generates the tpch tree (or
# --entities DIR), builds its services, starts nats-server (JetStream) and
# PostgreSQL as local processes in a state folder, starts the worker, the
# ingestion API and the dashboard backend, and prints where to find them.
# Ctrl-C stops everything it started.
#
#   deploy/local/run.sh [--seed N] [--entities DIR] [--state DIR] [--no-wait]
#
#   --seed N        post N generated orders once the stack is up
#   --entities DIR  entity definitions (default config/examples/tpch/entities)
#   --state DIR     where the tree, data and logs go (default .nomnom-local/)
#   --no-wait       start, seed, print, then stop again (smoke test)
#
# Ports (environment): INGEST_PORT 8080, DASHBOARD_PORT 3000, WORKER_METRICS_PORT
# 9090, NATS_PORT 4222, PG_PORT 5432.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
entities=$repo/config/examples/tpch/entities
state=$repo/.nomnom-local
seed=0
wait_for_ctrl_c=1
while [ $# -gt 0 ]; do
    case $1 in
    --seed) seed=$2; shift 2 ;;
    --entities) entities=$(cd "$2" && pwd); shift 2 ;;
    --state) mkdir -p "$2"; state=$(cd "$2" && pwd); shift 2 ;;
    --no-wait) wait_for_ctrl_c=0; shift ;;
    -h | --help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
case $seed in '' | *[!0-9]*) echo "run.sh: --seed takes a number" >&2; exit 2 ;; esac

ingest_port=${INGEST_PORT:-8080}
dashboard_port=${DASHBOARD_PORT:-3000}
metrics_port=${WORKER_METRICS_PORT:-9090}
nats_port=${NATS_PORT:-4222}
pg_port=${PG_PORT:-5432}

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$ingest_port" "$dashboard_port" "$metrics_port" "$nats_port" "$pg_port"; do
    if port_in_use "$p"; then
        echo "run.sh: port $p is in use; stop what listens there or set the port variables (--help)" >&2
        exit 1
    fi
done

say "installing Debian packages (only what is missing)"
"$repo/deploy/local/install-deps.sh"

say "building nomnom"
cmake -S "$repo" -B "$repo/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$repo/build" -j"$(nproc)" >/dev/null

tree=$state/tree
mkdir -p "$state/logs"
say "generating $(basename "$(dirname "$entities")") into $tree"
"$repo/build/nomnom" generate-dashboard --entities "$entities" --output "$tree" --force
say "building the services (make)"
make -C "$tree" -j"$(nproc)" >"$state/logs/make.log" 2>&1 || { tail -n 30 "$state/logs/make.log"; exit 1; }

pids=()
pg_bin=$(printf "%s\n" /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_pg_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
stop_all() {
    trap - INT TERM EXIT
    say "stopping"
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill -TERM "${pids[$i]}" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    as_pg_owner "$pg_bin/pg_ctl" -D "$state/pg" -m fast -w stop >/dev/null 2>&1 || true
}
trap stop_all EXIT
trap 'exit 130' INT TERM

say "starting nats-server (JetStream) on 127.0.0.1:$nats_port"
nats-server -a 127.0.0.1 -p "$nats_port" -js -sd "$state/nats" >"$state/logs/nats.log" 2>&1 &
pids+=($!)

say "starting PostgreSQL on 127.0.0.1:$pg_port"
if [ ! -f "$state/pg/PG_VERSION" ]; then
    mkdir -p "$state/pg"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$state/pg"
    as_pg_owner "$pg_bin/initdb" -D "$state/pg" -U nomnom --auth=trust -E UTF8 >"$state/logs/initdb.log"
fi
[ "$(id -u)" -eq 0 ] && chown postgres: "$state/logs"
as_pg_owner "$pg_bin/pg_ctl" -D "$state/pg" -w -l "$state/logs/postgres.log" \
    -o "-p $pg_port -k $state/pg -c listen_addresses=127.0.0.1" start >/dev/null

export NATS_URL=nats://127.0.0.1:$nats_port
export DATABASE_URL=postgresql://nomnom@127.0.0.1:$pg_port/postgres
export LOG_FORMAT=${LOG_FORMAT:-text}

cd "$tree"
say "starting worker, ingestion-api, dashboard-backend (logs in $state/logs)"
SCHEMA_FILE=$tree/sql/schema.sql METRICS_HOST=127.0.0.1 METRICS_PORT=$metrics_port bin/worker >"$state/logs/worker.log" 2>&1 &
pids+=($!)
BIND_ADDRESS=127.0.0.1 PORT=$ingest_port bin/ingestion-api >"$state/logs/ingestion-api.log" 2>&1 &
pids+=($!)
BIND_ADDRESS=127.0.0.1 PORT=$dashboard_port STATIC_DIR=$tree/dashboard-frontend/dist bin/dashboard-backend \
    >"$state/logs/dashboard-backend.log" 2>&1 &
pids+=($!)

ready() { curl -fs -o /dev/null "http://127.0.0.1:$1/ready"; }
for port in "$metrics_port" "$ingest_port" "$dashboard_port"; do
    for _ in $(seq 1 300); do ready "$port" && break; sleep 0.1; done
    ready "$port" || { echo "run.sh: the service on port $port is not ready; see $state/logs" >&2; exit 1; }
done

if [ "$seed" -gt 0 ]; then
    say "posting $seed generated orders"
    python3 "$repo/deploy/local/seed.py" --url "http://127.0.0.1:$ingest_port" --count "$seed" \
        --example "$repo/config/examples/tpch/order.example.json"
fi

cat <<MSG

  Dashboard       http://127.0.0.1:$dashboard_port/
  Ingestion API   http://127.0.0.1:$ingest_port/ingest/Order   (OpenAPI: /openapi.json)
  Worker metrics  http://127.0.0.1:$metrics_port/metrics

  Post an order:
    curl -sS -X POST http://127.0.0.1:$ingest_port/ingest/Order \\
         -H 'Content-Type: application/json' \\
         --data @$repo/config/examples/tpch/order.example.json

  Logs: $state/logs        Press Ctrl-C to stop everything.
MSG

if [ "$wait_for_ctrl_c" -eq 1 ]; then
    wait -n "${pids[@]}" || true
    echo "run.sh: a process of the stack exited; see $state/logs" >&2
    exit 1
fi
