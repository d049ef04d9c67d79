#!/usr/bin/env bash
# bench/dashboard.sh - the dashboard backend under load: CLIENTS WebSocket
# clients (1,000), rows inserted at RATE per second (1,000) for SECONDS (20),
# one row per transaction with NOTIFY nomnom_changes, as the worker commits.
# Prints a table: insert-to-client latency p50/p99/max, rows delivered and
# expected (summed over the clients), duplicates, the backend's CPU and RSS;
# and, measured in the same run, the floor: PostgreSQL's own
# commit-to-LISTEN latency for the same notifications.
#
#   bench/dashboard.sh [CLIENTS] [RATE] [SECONDS]
#
# Everything shares the machine's cores: the backend (release build), the
# PostgreSQL server, and the load client (bench/dashboard_load.c: one epoll
# thread for the WebSocket clients, one inserting, one listening). Set
# PIN=1 to put the backend on CPU 0 and the rest on the other CPUs (taskset).
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${1:-1000}
rate=${2:-1000}
seconds=${3:-20}

export NOMNOM_SOURCE_DIR=$PWD
# shellcheck source=../tests/scripts/lib.sh
. tests/scripts/lib.sh
t_init bench-dashboard

cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-release -j"$(nproc)" >/dev/null
NOMNOM=$PWD/build-release/nomnom

tree=$T_SCRATCH/tpch
t_generate "$tree"
make -C "$tree" -j"$(nproc)" bin/dashboard-backend >/dev/null
read -ra pq_cflags <<<"$(pkg-config --cflags libpq)"
read -ra pq_libs <<<"$(pkg-config --libs libpq)"
cc -O2 -std=c11 -pthread "${pq_cflags[@]}" bench/dashboard_load.c -o "$T_SCRATCH/dashboard_load" \
    "${pq_libs[@]}"

t_start_postgres >/dev/null
t_psql -f "$tree/sql/schema.sql"
# a table that is not empty: 100k orders already there
t_psql -c "INSERT INTO orders (order_key, customer_key, order_status, total_price, order_date,
    order_priority, clerk, ship_priority) SELECT g, 1, 'O', 1.5, '2024-01-02', '1-URGENT',
    'Clerk#1', 0 FROM generate_series(1, 100000) g; ANALYZE orders"

pin_backend=() pin_rest=()
if [ "${PIN:-0}" = 1 ] && [ "$(nproc)" -ge 2 ]; then
    pin_backend=(taskset -c 0)
    pin_rest=(taskset -c "1-$(($(nproc) - 1))")
fi

port=$(t_free_port)
BIND_ADDRESS=127.0.0.1 PORT=$port LOG_LEVEL=warn "${pin_backend[@]}" "$tree/bin/dashboard-backend" \
    >"$T_SCRATCH/backend.log" 2>&1 &
backend=$!
T_PIDS+=("$backend")
t_wait_for 20 curl -sf "http://127.0.0.1:$port/ready" || {
    cat "$T_SCRATCH/backend.log" >&2
    exit 1
}

# CPU time of a process in clock ticks (utime + stime)
cpu_ticks() {
    awk '{print $14 + $15}' "/proc/$1/stat"
}
# CPU time of the backend's poller thread (named "poller")
poller_ticks() {
    local t
    for t in /proc/"$1"/task/*; do
        if [ "$(cat "$t/comm")" = poller ]; then
            awk '{print $14 + $15}' "$t/stat"
            return
        fi
    done
    echo 0
}
# the PostgreSQL processes serving the backend (its poll and LISTEN connections)
mapfile -t pg_pids < <(t_psql -At -c "SELECT pid FROM pg_stat_activity
    WHERE application_name = 'nomnom-dashboard-backend'")
pg_ticks() {
    local sum=0 pid
    for pid in "${pg_pids[@]}"; do
        sum=$((sum + $(cpu_ticks "$pid")))
    done
    echo "$sum"
}
# the whole machine: busy ticks (all but idle and iowait) across its CPUs
machine_busy() {
    awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat
}
machine0=$(machine_busy)
ticks0=$(cpu_ticks "$backend")
poller0=$(poller_ticks "$backend")
pg0=$(pg_ticks)
t0=$(date +%s.%N)
/usr/bin/time -f "load client: %U user %S sys %M KiB" "${pin_rest[@]}" "$T_SCRATCH/dashboard_load" "$port" "$clients" "$rate" "$seconds" "$DATABASE_URL" \
    >"$T_SCRATCH/load.out"
t1=$(date +%s.%N)
ticks1=$(cpu_ticks "$backend")
machine1=$(machine_busy)
poller1=$(poller_ticks "$backend")
pg1=$(pg_ticks)
rss_peak=$(awk '/VmHWM/ {print $2}' "/proc/$backend/status")
rss_now=$(awk '/VmRSS/ {print $2}' "/proc/$backend/status")
scans=$(curl -s "http://127.0.0.1:$port/metrics" | awk '/^dashboard_update_scans_total\{entity="Order"\}/ {print $2}')
polls=$(curl -s "http://127.0.0.1:$port/metrics" | awk '/^dashboard_polls_total/ {print $2}')
kill -TERM "$backend"
wait "$backend" || true

get() { awk -F= -v k="$1" '$1 == k {print $2}' "$T_SCRATCH/load.out"; }
hz=$(getconf CLK_TCK)
percent() {
    awk -v a="$1" -v b="$2" -v t0="$t0" -v t1="$t1" -v hz="$hz" \
        'BEGIN {printf "%.0f", (b - a) / hz / (t1 - t0) * 100}'
}
cpu=$(percent "$ticks0" "$ticks1")
cpu_poller=$(percent "$poller0" "$poller1")
cpu_pg=$(percent "$pg0" "$pg1")
cpu_machine=$(percent "$machine0" "$machine1")

echo "dashboard backend, $clients WebSocket clients, $rate rows/s for $seconds s (one row per"
echo "transaction + NOTIFY), 100k rows already in the table; $(nproc) cores shared by backend,"
echo "PostgreSQL and load client$([ "${PIN:-0}" = 1 ] && echo ", backend pinned to CPU 0"); $(date -u +%Y-%m-%d)"
echo
echo "| measure                                   | value |"
echo "|-------------------------------------------|-------|"
printf '| rows inserted (achieved rate /s)          | %s (%s) |\n' "$(get inserted)" "$(get insert_rate)"
printf '| rows delivered / expected (all clients)   | %s / %s |\n' "$(get delivered)" "$(get expected)"
printf '| duplicates                                | %s |\n' "$(get duplicates)"
printf '| insert-to-client latency p50 / p99 / max  | %s / %s / %s ms |\n' "$(get p50_ms)" "$(get p99_ms)" "$(get max_ms)"
printf '| floor: commit-to-NOTIFY p50 / p99         | %s / %s ms |\n' "$(get notify_p50_ms)" "$(get notify_p99_ms)"
printf '| backend CPU, of one core (poller thread)  | %s %% (%s %%) |\n' "$cpu" "$cpu_poller"
printf '| PostgreSQL CPU serving the backend        | %s %% |\n' "$cpu_pg"
printf '| the whole machine busy, of %s cores       | %s %% |\n' "$(nproc)" "$cpu_machine"
printf '| backend RSS peak / at the end             | %.1f / %.1f MiB |\n' "$(echo "$rss_peak / 1024" | bc -l)" "$(echo "$rss_now / 1024" | bc -l)"
printf '| polls / update scans of the table         | %s / %s |\n' "${polls:-?}" "${scans:-?}"
