#!/usr/bin/env bash
# bench/e2e.sh - the whole stack under sustained load: orders posted at a fixed
# rate for a while, then at higher rates until the stack stops keeping up.
# Prints, per rate: accepted orders/s, stored rows/s, POST-to-WebSocket latency
# (p50/p99/max, measured by a dashboard client), and CPU and RSS of each service.
#
#   bench/e2e.sh [SECONDS] [RATE...]       default: 30 s at 250 500 1000 2000 orders/s
#
# The load generator (deploy/local/seed.py), the WebSocket client and every
# service share the machine's cores: the figures are for the whole box.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
shift || true
rates=("$@")
[ ${#rates[@]} -gt 0 ] || rates=(250 500 1000 2000)

cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-release -j"$(nproc)" >/dev/null
export NOMNOM=$PWD/build-release/nomnom NOMNOM_SOURCE_DIR=$PWD NOMNOM_BUILD_DIR=$PWD/build-release
# shellcheck source=../tests/scripts/lib.sh
. tests/scripts/lib.sh
t_init bench-e2e
# shellcheck source=../tests/e2e/stack.sh
. tests/e2e/stack.sh
stack_build
stack_start >/dev/null

# cpu_ticks PID: user+system clock ticks so far.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_mib() { awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
hz=$(getconf CLK_TCK)

echo "bench/e2e.sh: $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), $seconds s per rate"
printf '| %-7s | %-10s | %-10s | %-7s | %-7s | %-7s | %-17s | %-17s | %-17s |\n' \
    "target/s" "accepted/s" "rows/s" "p50 ms" "p99 ms" "max ms" "api CPU% / RSS" "worker CPU% / RSS" "backend CPU% / RSS"
echo "|---------|------------|------------|---------|---------|---------|-------------------|-------------------|-------------------|"

first_key=10000000
for rate in "${rates[@]}"; do
    count=$((rate * seconds))
    rows_before=$(stack_sql "SELECT (SELECT count(*) FROM orders) + (SELECT count(*) FROM order_line_items)")
    /usr/bin/python3 tests/e2e/ws_watch.py --url "$WS_URL" --entity Order --key order_key \
        --out "$T_SCRATCH/seen.tsv" --seconds $((seconds + 60)) --until-count "$count" &
    watcher=$!
    sleep 1
    declare -A before=()
    for svc in INGEST WORKER BACKEND; do
        pid_var=${svc}_PID
        before[$svc]=$(cpu_ticks "${!pid_var}")
    done
    start=$(date +%s.%N)
    python3 deploy/local/seed.py --url "$INGEST_URL" --count "$count" --first-key "$first_key" \
        --concurrency 64 --rate "$rate" --example config/examples/tpch/order.example.json \
        --accepted "$T_SCRATCH/accepted.tsv" >"$T_SCRATCH/seed.log" 2>&1 || true
    post_end=$(date +%s.%N)
    # wait until the worker has stored what was accepted (bounded)
    accepted=$(wc -l <"$T_SCRATCH/accepted.tsv")
    items=$(awk -F'\t' '{s += $2} END {print s + 0}' "$T_SCRATCH/accepted.tsv")
    target=$((rows_before + accepted + items))
    for _ in $(seq 1 600); do
        now_rows=$(stack_sql "SELECT (SELECT count(*) FROM orders) + (SELECT count(*) FROM order_line_items)")
        [ "$now_rows" -ge "$target" ] && break
        sleep 0.1
    done
    stored_end=$(date +%s.%N)
    wait "$watcher" 2>/dev/null || true
    cpu=()
    for svc in INGEST WORKER BACKEND; do
        pid_var=${svc}_PID
        ticks=$(($(cpu_ticks "${!pid_var}") - before[$svc]))
        cpu+=("$(awk -v t="$ticks" -v hz="$hz" -v s="$(echo "$stored_end - $start" | bc)" \
            'BEGIN {printf "%.0f%%", 100 * t / hz / s}') / $(rss_mib "${!pid_var}") MiB")
    done
    read -r p50 p99 pmax < <(python3 - "$T_SCRATCH/accepted.tsv" "$T_SCRATCH/seen.tsv" <<'PY'
import sys
sent = {l.split("\t")[0]: float(l.split("\t")[2]) for l in open(sys.argv[1])}
lat = sorted((float(t) - sent[k]) * 1000 for k, t in
             (l.rstrip("\n").split("\t") for l in open(sys.argv[2]) if not l.startswith("#"))
             if k in sent)
if not lat:
    print("nan nan nan")
else:
    pick = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]
    print(f"{pick(0.5):.1f} {pick(0.99):.1f} {lat[-1]:.1f}")
PY
)
    post_s=$(echo "$post_end - $start" | bc)
    store_s=$(echo "$stored_end - $start" | bc)
    printf '| %-7s | %-10.0f | %-10.0f | %-7s | %-7s | %-7s | %-17s | %-17s | %-17s |\n' "$rate" \
        "$(echo "$accepted / $post_s" | bc -l)" "$(echo "($accepted + $items) / $store_s" | bc -l)" \
        "$p50" "$p99" "$pmax" "${cpu[0]}" "${cpu[1]}" "${cpu[2]}"
    first_key=$((first_key + count))
done
