#!/usr/bin/env bash
# bench/worker.sh - throughput of the generated worker: JetStream -> PostgreSQL.
#
#   bench/worker.sh [ORDERS] [RUNS]      (defaults: 100000 orders, 3 runs)
#
# For each run: preload ORDERS Order envelopes, each with 2 line items, into
# stream MESSAGES (tests/worker/jsutil.c), start bin/worker, and time from its
# start until every order and line item is committed (its /metrics, which
# counts rows once committed, polled every 100 ms; the tables are counted after).
# Then, in the same run, the ceiling of this machine for the same rows: the
# tables are emptied and the very rows the worker wrote are loaded again with
# one COPY per table (same tables, same indexes and constraints).
#
# Prints a table with the median, min and max of the runs: orders/s and
# rows/s (orders + line items; the worker also writes one message_status row
# per order, which COPY does not), and the worker's share of the COPY figure.
# Then the latency of an idle worker: 200 orders published one at a time.
# Environment passed to the worker: BATCH_SIZE (default 256, as the worker), MAX_ACK_PENDING
# (default 4 x BATCH_SIZE), and anything else it reads. Everything runs on
# loopback ports: nats-server and PostgreSQL (fsync=off, as in the tests) are
# started here, from the Debian packages. Nothing is pinned: the load
# generator is idle while the worker runs (the stream is preloaded).
set -euo pipefail
cd "$(dirname "$0")/.."
orders=${1:-100000}
runs=${2:-3}
export BATCH_SIZE=${BATCH_SIZE:-256}
export MAX_ACK_PENDING=${MAX_ACK_PENDING:-$((4 * BATCH_SIZE))}

cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-release -j"$(nproc)" >/dev/null
export NOMNOM=$PWD/build-release/nomnom

# nats-server and PostgreSQL on free ports, stopped on exit (tests/scripts/lib.sh)
. tests/scripts/lib.sh
t_init bench-worker
tree=$T_SCRATCH/tpch
t_generate "$tree"
make -C "$tree" -j"$(nproc)" bin/worker >/dev/null
read -ra nats_flags <<<"$(pkg-config --cflags --libs libnats jansson)"
cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -I"$tree" tests/worker/jsutil.c \
    "$tree/common/streams.c" "$tree/common/log.c" "$tree/common/clock.c" "$tree/common/buf.c" \
    "${nats_flags[@]}" -o "$T_SCRATCH/jsutil"
t_start_nats >/dev/null
t_start_postgres >/dev/null
export METRICS_HOST=127.0.0.1 METRICS_PORT
METRICS_PORT=$(t_free_port)
(cd "$tree" && bin/worker --migrate-only >/dev/null 2>&1)

count_rows() { t_psql -At -c "SELECT (SELECT count(*) FROM orders) + (SELECT count(*) FROM order_line_items)"; }

results=$T_SCRATCH/results
: >"$results"
for run in $(seq 1 "$runs"); do
    t_psql -c "TRUNCATE orders, order_line_items, message_status" >/dev/null
    "$T_SCRATCH/jsutil" orders "$orders" $((run * orders)) "$run" 2>/dev/null
    want=$((3 * orders))

    # start the worker and wait until it has committed every row: its
    # /metrics, polled every 100 ms from one process, counts rows after commit
    worker_s=$(python3 - "$tree" "$want" "$METRICS_PORT" "$T_SCRATCH/worker-$run.log" <<'PY'
import http.client, re, subprocess, sys, time
tree, want, port, log = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
start = time.perf_counter()
worker = subprocess.Popen(["bin/worker"], cwd=tree, stdout=open(log, "w"), stderr=subprocess.STDOUT)
rows, deadline = 0, start + 600
while rows < want and time.perf_counter() < deadline and worker.poll() is None:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        conn.request("GET", "/metrics")
        text = conn.getresponse().read().decode()
        conn.close()
        rows = sum(float(v) for v in re.findall(r'^worker_rows_written_total\{[^}]*\} (\S+)$', text, re.M))
    except OSError:
        pass
    if rows < want:
        time.sleep(0.1)
elapsed = time.perf_counter() - start
worker.terminate()
worker.wait(30)
print(f"{elapsed:.6f}")
PY
)
    got=$(count_rows)
    if [ "$got" -ne "$want" ]; then
        echo "run $run: $got rows of $want after the deadline; see $T_SCRATCH/worker-$run.log" >&2
        T_KEEP=1
        exit 1
    fi

    # the ceiling: the same rows again, with COPY
    t_psql -c "\\copy (SELECT order_key, customer_key, order_status, total_price, order_date, order_priority, clerk, ship_priority, is_rush, placed_at, comment, _message_id FROM orders) TO '$T_SCRATCH/orders.copy'" \
        -c "\\copy (SELECT order_key, line_number, part_key, supplier_key, quantity, extended_price, discount, tax, return_flag, line_status, ship_date, ship_mode, is_gift, _message_id FROM order_line_items) TO '$T_SCRATCH/items.copy'" \
        -c "TRUNCATE orders, order_line_items"
    copy_s=$(t_psql -c '\timing on' \
        -c "\\copy orders (order_key, customer_key, order_status, total_price, order_date, order_priority, clerk, ship_priority, is_rush, placed_at, comment, _message_id) FROM '$T_SCRATCH/orders.copy'" \
        -c "\\copy order_line_items (order_key, line_number, part_key, supplier_key, quantity, extended_price, discount, tax, return_flag, line_status, ship_date, ship_mode, is_gift, _message_id) FROM '$T_SCRATCH/items.copy'" |
        awk '/^Time:/ { ms += $2 } END { printf "%.6f", ms / 1000 }')
    echo "$worker_s $copy_s" >>"$results"
    printf 'run %d: worker %.2f s, COPY %.2f s\n' "$run" "$worker_s" "$copy_s" >&2
done

# Idle latency: one order at a time (every 20 ms, each after its PubAck) to a
# running worker; from the envelope's received_at (set just before the
# publish) to processed_at (the start of the transaction that stored it).
t_psql -c "TRUNCATE orders, order_line_items, message_status" >/dev/null
(cd "$tree" && exec bin/worker >"$T_SCRATCH/worker-latency.log" 2>&1) &
worker=$!
t_wait_for 30 curl -fsS -o /dev/null "http://127.0.0.1:$METRICS_PORT/ready"
"$T_SCRATCH/jsutil" orders 200 $(((runs + 1) * orders)) $((runs + 1)) 20 2>/dev/null
t_wait_for 30 bash -c "[ \$(psql '$DATABASE_URL' -X -At -c 'SELECT count(*) FROM message_status') -ge 200 ]"
kill -TERM "$worker" && wait "$worker" || true
latency=$(t_psql -At -F ' ' -c "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms), percentile_cont(0.99) WITHIN GROUP (ORDER BY ms), max(ms), count(*)
    FROM (SELECT extract(epoch FROM processed_at - received_at) * 1000 AS ms FROM message_status) t")

python3 - "$results" "$orders" "$runs" "$BATCH_SIZE" "$latency" <<'PY'
import os, statistics, sys
path, orders, runs, batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
p50, p99, worst, count = (float(x) for x in sys.argv[5].split())
pairs = [tuple(map(float, line.split())) for line in open(path)]
def row(name, secs, rows_per_order):
    rates = [orders / s for s in secs]
    med, lo, hi = statistics.median(rates), min(rates), max(rates)
    print(f"| {name:<28} | {med:9.0f} | {med * rows_per_order:9.0f} | {lo:9.0f} | {hi:9.0f} |")
    return med
print(f"worker: {orders} orders x 2 line items preloaded, {runs} runs, BATCH_SIZE={batch}, "
      f"CONCURRENCY={os.environ.get('CONCURRENCY', '2 (default)')}, {os.cpu_count()} cores")
print("| measure                      |  orders/s |    rows/s | min ord/s | max ord/s |")
print("|------------------------------|-----------|-----------|-----------|-----------|")
w = row("worker (fetch to commit+ack)", [p[0] for p in pairs], 3)
c = row("ceiling: COPY of the rows", [p[1] for p in pairs], 3)
print(f"\nworker / COPY (medians): {w / c:.0%}")
print(f"\nidle latency, {count:.0f} orders one at a time (publish -> transaction start): "
      f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {worst:.1f} ms")
PY
