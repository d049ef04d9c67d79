#!/usr/bin/env bash
# bench/ingest.sh - throughput and latency of the generated ingestion API.
#
# Generates the tpch tree, builds bin/ingestion-api (release), starts a local
# JetStream nats-server and the API, then has wrk POST the example order to
# /ingest/Order at 16, 64 and 256 connections for SECONDS each. In the same run
# it measures the ceiling: a plain JetStream async-publish loop of the same
# message (bench/ingest_ceiling.c). Prints one table: accepted requests/s,
# p50/p99 latency, non-202 answers, the API's RSS and CPU, and the ratio
# ingestion/ceiling.
#
#   bench/ingest.sh [SECONDS]        (default 10)
#
# Environment: CONNECTIONS ("16 64 256"), WRK_THREADS (2), and any of the API's
# own variables (HTTP_THREADS, ACCESS_LOG, NATS_SEND_ASAP, ...) pass through.
# Everything shares the machine's cores (no pinning); the API logs its access
# lines to a file, as it would in production.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
connections=${CONNECTIONS:-16 64 256}
wrk_threads=${WRK_THREADS:-2}

for tool in wrk nats-server cc pkg-config python3; do
    command -v "$tool" >/dev/null || { echo "bench/ingest.sh: $tool is not installed" >&2; exit 1; }
done

cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-release -j"$(nproc)" >/dev/null

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

build-release/nomnom generate-dashboard --entities config/examples/tpch/entities \
    --output "$work/tpch" >/dev/null
make -C "$work/tpch" -j"$(nproc)" bin/ingestion-api >/dev/null
# shellcheck disable=SC2046 # pkg-config prints several words on purpose
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror bench/ingest_ceiling.c \
    -o "$work/ingest_ceiling" $(pkg-config --cflags --libs libnats)

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_for() { # wait_for SECONDS COMMAND...
    local deadline=$((SECONDS + $1))
    shift
    until "$@" >/dev/null 2>&1; do
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.1
    done
}

nats_port=$(free_port)
nats-server -a 127.0.0.1 -p "$nats_port" -js -sd "$work/js" >"$work/nats.log" 2>&1 &
nats_pid=$!
pids+=("$nats_pid")
wait_for 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$nats_port"

api_port=$(free_port)
PORT=$api_port BIND_ADDRESS=127.0.0.1 NATS_URL="nats://127.0.0.1:$nats_port" \
    "$work/tpch/bin/ingestion-api" 2>"$work/api.log" &
api_pid=$!
pids+=("$api_pid")
url="http://127.0.0.1:$api_port"
wait_for 20 curl -sf "$url/ready" || { cat "$work/api.log" >&2; exit 1; }

# The example order, and the envelope the API would publish for it.
python3 - "$work/tpch/examples/payloads.json" "$work" <<'PY'
import json, sys, uuid
order = json.load(open(sys.argv[1]))["Order"]
body = json.dumps(order)
open(sys.argv[2] + "/order.json", "w").write(body)
envelope = '{"message_id":"%s","entity_type":"Order","received_at":"2026-01-01T00:00:00.000Z",' \
           '"source":"127.0.0.1","payload":%s}' % (uuid.uuid4(), body)
open(sys.argv[2] + "/envelope.json", "w").write(envelope)
PY
cat >"$work/post.lua" <<EOF
local f = assert(io.open("$work/order.json", "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
wrk.headers["Content-Type"] = "application/json"
f:close()
EOF

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_mib() { awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
to_ms() { # wrk latency ("812.00us", "1.23ms", "1.02s") in milliseconds
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000
        printf "%.2f", n }'
}

# warm-up (connections, page cache, stream files)
wrk -t"$wrk_threads" -c16 -d2s -s "$work/post.lua" "$url/ingest/Order" >/dev/null

results=()
hz=$(getconf CLK_TCK)
for c in $connections; do
    t0=$(cpu_ticks "$api_pid")
    n0=$(cpu_ticks "$nats_pid")
    out=$(wrk -t"$wrk_threads" -c"$c" -d"${seconds}s" --latency -s "$work/post.lua" "$url/ingest/Order")
    t1=$(cpu_ticks "$api_pid")
    n1=$(cpu_ticks "$nats_pid")
    total=$(awk '/requests in/ {print $1}' <<<"$out")
    rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
    p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
    p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
    non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
    errors=$(awk '/Socket errors/ {print}' <<<"$out")
    [ -n "$errors" ] && echo "c=$c: $errors" >&2
    api_cpu=$(awk -v a="$((t1 - t0))" -v s="$seconds" -v hz="$hz" 'BEGIN {printf "%.0f", 100 * a / hz / s}')
    nats_cpu=$(awk -v a="$((n1 - n0))" -v s="$seconds" -v hz="$hz" 'BEGIN {printf "%.0f", 100 * a / hz / s}')
    us_per_req=$(awk -v a="$((t1 - t0))" -v n="$total" -v hz="$hz" 'BEGIN {printf "%.0f", 1e6 * a / hz / n}')
    results+=("$c $rps $p50 $p99 ${non2xx:-0} $(rss_mib "$api_pid") $api_cpu $nats_cpu $us_per_req")
done
peak=$(awk '/^VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$api_pid/status")

ceiling_out=$("$work/ingest_ceiling" "nats://127.0.0.1:$nats_port" messages.ingest.Order \
    "$work/envelope.json" "$seconds")
ceiling=$(awk '{print $NF}' <<<"$ceiling_out")

echo "ingestion API: POST /ingest/Order (example order, $(wc -c <"$work/order.json") B), ${seconds}s per run,"
echo "wrk -t$wrk_threads, $(nproc) cores shared by wrk, nats-server $(nats-server --version | awk '{print $2}') and the API (no pinning), $(date -u +%Y-%m-%d)"
echo "API: HTTP_THREADS=${HTTP_THREADS:-0 (one per CPU)}, ACCESS_LOG=${ACCESS_LOG:-true} (to a file), NATS_SEND_ASAP=${NATS_SEND_ASAP:-false}, MAX_IN_FLIGHT=${MAX_IN_FLIGHT:-4096}"
echo
echo "| connections | accepted/s |  p50 ms |  p99 ms | non-202 | RSS MiB | API CPU % | nats CPU % | API us/req | of ceiling |"
echo "|-------------|------------|---------|---------|---------|---------|-----------|------------|------------|------------|"
for r in "${results[@]}"; do
    read -r c rps p50 p99 non rss cpu ncpu us <<<"$r"
    ratio=$(awk -v a="$rps" -v b="$ceiling" 'BEGIN {printf "%.2f", (b > 0) ? a / b : 0}')
    printf "| %11s | %10s | %7s | %7s | %7s | %7s | %9s | %10s | %10s | %10s |\n" \
        "$c" "$rps" "$p50" "$p99" "$non" "$rss" "$cpu" "$ncpu" "$us" "$ratio"
done
printf "| %11s | %10s | %7s | %7s | %7s | %7s | %9s | %10s | %10s | %10s |\n" \
    "ceiling" "$ceiling" "-" "-" "-" "-" "-" "-" "-" "1.00"
echo
echo "ceiling: JetStream async publish loop of the same envelope ($(wc -c <"$work/envelope.json") B, MaxPending 4096): $ceiling_out"
echo "API peak RSS: $peak MiB"
