#!/usr/bin/env bash
# test_dashboard_backend.sh - the generated dashboard backend against a real
# PostgreSQL, built with ASan + UBSan (make SANITIZE=1): REST endpoints, the
# frontend bundle (MIME types, index fallback, 404s, CORS), WebSocket
# snapshots, fan-out to 50 clients (polling and NOTIFY), concurrent writers
# committing out of id order (every row exactly once), upserts sent again,
# every column type, a slow client dropped without delaying the others, the
# database stopped and restarted under load, keep-alive pings, and SIGTERM.
#
# WebSocket clients: tests/scripts/dashboard_ws.py (Python standard library).
. "$(dirname "$0")/lib.sh"
t_init dashboard_backend

ws() {
    python3 "$NOMNOM_SOURCE_DIR/tests/scripts/dashboard_ws.py" "$@"
}

# backend_start NAME TREE PORT [VAR=VALUE...]: run TREE's backend in the
# background on PORT (loopback), log in $T_SCRATCH/NAME.log; sets BACKEND_PID.
backend_start() {
    local name=$1 tree=$2 port=$3
    shift 3
    env "$@" BIND_ADDRESS=127.0.0.1 PORT="$port" LOG_LEVEL=debug \
        ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
        "$tree/bin/dashboard-backend" >>"$T_SCRATCH/$name.log" 2>&1 &
    BACKEND_PID=$!
    T_PIDS+=("$BACKEND_PID")
    t_wait_for 15 curl -sf "http://127.0.0.1:$port/health"
}

# http_get PORT PATH [CURL ARGS...]: prints "status content-type" then the body.
http_get() {
    local port=$1 path=$2
    shift 2
    curl -s --path-as-is "$@" -w '\n%{http_code} %{content_type}' "http://127.0.0.1:$port$path"
}

# json_check JSON PYTHON-EXPRESSION: the expression (over `d`) is true.
json_check() {
    python3 -c 'import json, sys; d = json.loads(sys.argv[1])
sys.exit(0 if eval("(" + sys.argv[2] + ")") else 1)' "$1" "$2"
}

# ws_check DESCRIPTION SCENARIO ARGS...: a dashboard_ws.py scenario passes;
# what it measured is shown under the result.
ws_check() {
    local what=$1 out rc=0
    shift
    out=$(ws "$@" 2>&1) || rc=$?
    if [ "$rc" -eq 0 ]; then
        t_pass "$what"
        printf '     %s\n' "$(printf '%s' "$out" | tail -n 1)"
    else
        t_fail "$what" "scenario: $*" "$(printf '%s' "$out" | tail -n 20)"
    fi
}

# ---- build and database ---------------------------------------------------

tree=$T_SCRATCH/tpch
typed=$T_SCRATCH/typed
t_check "generate tpch" t_generate "$tree"
t_check "generate the every-type entities" \
    t_generate "$typed" "$NOMNOM_SOURCE_DIR/tests/data/dashboard/entities"
t_check "make SANITIZE=1 bin/dashboard-backend (tpch)" \
    make -C "$tree" -j2 SANITIZE=1 bin/dashboard-backend
t_check "make SANITIZE=1 bin/dashboard-backend (every type)" \
    make -C "$typed" -j2 SANITIZE=1 bin/dashboard-backend
[ -x "$tree/bin/dashboard-backend" ] && [ -x "$typed/bin/dashboard-backend" ] || t_finish

# the pure parts (horizon, sent versions, snapshot cache, static paths) alone
units=()
for unit in horizon rowmap cache wsmsg static_files; do
    units+=("$tree/dashboard-backend/$unit.c")
done
t_check "unit tests of the backend's pure parts build (ASan/UBSan)" \
    cc -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -g \
    -fsanitize=address,undefined -fno-sanitize-recover=all -I"$tree" \
    "$NOMNOM_SOURCE_DIR/tests/dashboard/backend_units.c" "${units[@]}" "$tree/common/buf.c" \
    -o "$T_SCRATCH/backend_units"
t_check "unit tests of the backend's pure parts pass" "$T_SCRATCH/backend_units"

t_expect_exit "--help exits 0" 0 "$tree/bin/dashboard-backend" --help
for var in DATABASE_URL PORT POLL_INTERVAL_MS MAX_RECORDS STATIC_DIR CORS_ORIGIN WS_PING_INTERVAL; do
    t_contains "--help lists $var" "$T_OUT" "$var"
done
t_expect_exit "a bad POLL_INTERVAL_MS: exit 2" 2 env POLL_INTERVAL_MS=soon "$tree/bin/dashboard-backend"
t_contains "the bad variable is named" "$T_OUT" 'POLL_INTERVAL_MS="soon"'

t_start_postgres || {
    t_fail "start PostgreSQL"
    t_finish
}
t_check "apply the tpch schema" t_psql -f "$tree/sql/schema.sql"
TYPED_URL="postgresql://nomnom@127.0.0.1:$PG_PORT/typed"
t_check "apply the every-type schema" bash -c "
. '$NOMNOM_SOURCE_DIR/tests/scripts/lib.sh'
t_psql -c 'CREATE DATABASE typed' && DATABASE_URL='$TYPED_URL' t_psql -f '$typed/sql/schema.sql'"
# 120 orders already there: the snapshot holds the newest MAX_RECORDS (50)
t_check "seed 120 orders" t_psql -c "INSERT INTO orders (order_key, customer_key, order_status,
    total_price, order_date, order_priority, clerk, ship_priority)
    SELECT g, 1, 'O', 10.5, '2024-01-02', '1-URGENT', 'clerk', 0 FROM generate_series(1, 120) g;
    INSERT INTO message_status (message_id, entity_type, status, attempts)
    SELECT gen_random_uuid(), 'Order', s, 1 FROM unnest(ARRAY['processed', 'processed', 'dlq']) s"

port=$(t_free_port)
# started here, not under t_check: the backend must be a child of this shell
if backend_start main "$tree" "$port" MAX_RECORDS=50 CORS_ORIGIN=https://dash.example; then
    t_pass "the backend starts (ASan/UBSan build)"
else
    t_fail "the backend starts (ASan/UBSan build)" "$(tail -n 20 "$T_SCRATCH/main.log")"
    t_finish
fi
main_pid=$BACKEND_PID
t_check "/ready turns 200 once the tables are read" \
    t_wait_for 15 curl -sf "http://127.0.0.1:$port/ready"

# ---- REST ------------------------------------------------------------------

out=$(http_get "$port" /health)
t_contains "GET /health: 200 JSON" "$out" '200 application/json'
out=$(http_get "$port" /api/health)
t_contains "GET /api/health says the database is up" "$out" '"database":"up"'

body=$(curl -sf "http://127.0.0.1:$port/api/entities")
t_check "GET /api/entities: project, every persistent entity with table, key and typed fields" \
    json_check "$body" 'd["project"] == "tpch" and [e["name"] for e in d["entities"]] ==
        ["Customer", "Order", "OrderLineItem", "Product"] and
        all(e["primary_key"] == "id" and e["table"] for e in d["entities"]) and
        [(f["name"], f["type"], f["nullable"]) for f in d["entities"][1]["fields"]][:5] ==
        [("order_key", "Integer", False), ("customer_key", "Integer", False),
         ("order_status", "String", False), ("total_price", "Float", False),
         ("order_date", "Date", False)] and
        ("placed_at", "DateTime", True) in [(f["name"], f["type"], f["nullable"])
                                           for f in d["entities"][1]["fields"]] and
        "line_items" not in [f["name"] for f in d["entities"][1]["fields"]]'
dist_json=$(cat "$tree/dashboard-frontend/dist/entities.json")
t_check "GET /api/entities lists what dist/entities.json lists" \
    json_check "$body" "[(e['name'], e['table'], e['primary_key'], [f['name'] for f in e['fields']])
        for e in d['entities']] == [(e['name'], e['table'], e['primary_key'],
        [f['name'] for f in e['fields']]) for e in json.loads('''$dist_json''')['entities']]"

body=$(curl -sf "http://127.0.0.1:$port/api/stats")
t_check "GET /api/stats: row counts per entity and message_status counts" \
    json_check "$body" 'd["entities"] == {"Customer": 0, "Order": 120, "OrderLineItem": 0,
        "Product": 0} and d["message_status"]["processed"] == 2 and d["message_status"]["dlq"] == 1
        and d["message_status"]["failed"] == 0'
out=$(curl -s -D - -o /dev/null "http://127.0.0.1:$port/api/stats")
t_contains "CORS_ORIGIN: /api answers carry Access-Control-Allow-Origin" "$out" \
    'access-control-allow-origin: https://dash.example'
out=$(curl -s -D - -o /dev/null -X OPTIONS "http://127.0.0.1:$port/api/entities")
t_contains "OPTIONS /api/entities: 204 preflight" "$out" '204'
t_contains "the preflight allows GET" "$out" 'access-control-allow-methods: GET, HEAD, OPTIONS'
out=$(http_get "$port" /api/nope)
t_contains "unknown /api path: 404 JSON error" "$out" '"error":"not_found"'
t_contains "unknown /api path: status 404" "$out" '404 application/json'
out=$(http_get "$port" /api/stats -X POST)
t_contains "POST: 405" "$out" '405 application/json'
out=$(http_get "$port" /ws)
t_contains "GET /ws without Upgrade: 426" "$out" '426 application/json'
out=$(curl -sf "http://127.0.0.1:$port/metrics")
t_contains "GET /metrics: connected clients" "$out" 'dashboard_ws_clients 0'
t_contains "GET /metrics: poll duration" "$out" 'dashboard_poll_duration_seconds_count'
t_contains "GET /metrics: database up" "$out" 'dashboard_database_up 1'

# ---- the frontend bundle -----------------------------------------------------

js=$(cd "$tree/dashboard-frontend/dist" && find assets -name '*.js' | head -n 1)
css=$(cd "$tree/dashboard-frontend/dist" && find assets -name '*.css' | head -n 1)
out=$(http_get "$port" /)
t_contains "GET /: the bundle's index.html" "$out" '<div id="root"></div>'
t_contains "GET /: text/html" "$out" '200 text/html; charset=utf-8'
out=$(http_get "$port" "/$js" -o /dev/null)
t_contains "a .js asset: text/javascript" "$out" '200 text/javascript'
cmp -s <(curl -s "http://127.0.0.1:$port/$js") "$tree/dashboard-frontend/dist/$js" &&
    t_pass "a .js asset is served byte for byte" || t_fail "a .js asset is served byte for byte"
out=$(http_get "$port" "/$css" -o /dev/null)
t_contains "a .css asset: text/css" "$out" '200 text/css'
out=$(curl -s -D - -o /dev/null "http://127.0.0.1:$port/$js")
t_contains "hashed assets may be cached for ever" "$out" 'immutable'
out=$(http_get "$port" /entities.json)
t_contains "entities.json: application/json" "$out" '200 application/json'
out=$(http_get "$port" /orders/42)
t_contains "an app route falls back to index.html" "$out" '<div id="root"></div>'
t_contains "the fallback is text/html" "$out" '200 text/html'
out=$(http_get "$port" /assets/missing.js)
t_contains "a missing asset: 404" "$out" '404'
out=$(http_get "$port" /../../../../usr/include/stdio.h)
t_contains "no way out of the bundle folder (..)" "$out" '404'
out=$(http_get "$port" /../../../../etc/passwd)
case $out in
*root:*) t_fail "no file outside the bundle is served" "$out" ;;
*) t_pass "no file outside the bundle is served" ;;
esac
out=$(curl -s -I "http://127.0.0.1:$port/")
t_contains "HEAD /: 200 with the length" "$out" "content-length: $(wc -c <"$tree/dashboard-frontend/dist/index.html")"

# ---- WebSocket ----------------------------------------------------------------

ws_check "snapshot on connect: one per entity, newest MAX_RECORDS first, then stats" \
    snapshot --port "$port" --entities Customer,Order,OrderLineItem,Product --expect 50 \
    --newest 120
ws_check "a row inserted by SQL reaches 50 clients within 1 s (polling, no NOTIFY)" \
    fanout --port "$port" --clients 50 --rounds 3 --key-base 1000 --limit-ms 1000
ws_check "with NOTIFY it reaches 50 clients within 100 ms (median of 10; none over 1 s)" \
    fanout --port "$port" --clients 50 --rounds 10 --notify --key-base 2000 --limit-ms 1000 \
    --median-limit-ms 100
ws_check "2 writers committing out of id order (savepoints, held transactions): every row exactly once" \
    writers --port "$port" --clients 3 --writers 2 --rows 400 --hold-ms 150 --key-base 10000 \
    --require-inversions
ws_check "an upsert that updates an old row sends it again" upsert --port "$port" --key-base 30000
ws_check "a client that stops reading is dropped; the others get a new row at once" \
    slow --port "$port" --clients 3 --key-base 40000 --bulk 1200

# ---- the database goes away ---------------------------------------------------------

restart="
. '$NOMNOM_SOURCE_DIR/tests/scripts/lib.sh'
T_SCRATCH='$T_SCRATCH' PG_BIN='$PG_BIN' PGDATA_DIR='$PGDATA_DIR' PG_PORT='$PG_PORT'
t_stop_postgres && sleep 1.5 && t_pg_start"
ws_check "PostgreSQL restarted while rows are written: clients are told, then get every row once" \
    restart --port "$port" --clients 5 --key-base 50000 --seconds 7 \
    --committed "$T_SCRATCH/committed.txt" --restart-cmd "$restart"

t_stop_postgres
t_check "database down: /ready turns 503" bash -c "
for i in \$(seq 100); do
    [ \"\$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$port/ready)\" = 503 ] && exit 0
    sleep 0.1
done; exit 1"
out=$(http_get "$port" /health)
t_contains "database down: /health still 200" "$out" '200 application/json'
out=$(http_get "$port" /)
t_contains "database down: the bundle is still served" "$out" '200 text/html'
ws_check "database down: a new client gets its snapshots and an error message" \
    error-on-connect --port "$port"
t_pg_start
t_check "database back: /ready returns to 200" t_wait_for 20 curl -sf "http://127.0.0.1:$port/ready"
ws_check "database back: rows flow again" \
    fanout --port "$port" --clients 2 --rounds 2 --notify --key-base 60000 --limit-ms 2000

# ---- every column type, uuid keys, keep-alive -----------------------------------------

typed_port=$(t_free_port)
if backend_start typed "$typed" "$typed_port" DATABASE_URL="$TYPED_URL" WS_PING_INTERVAL=1s \
    STATIC_DIR="$T_SCRATCH/no-bundle"; then
    t_pass "the every-type backend starts"
else
    t_fail "the every-type backend starts" "$(tail -n 20 "$T_SCRATCH/typed.log")"
fi
typed_pid=$BACKEND_PID
DATABASE_URL=$TYPED_URL ws_check \
    "every column type keeps its JSON type; a uuid-keyed table delivers its rows" \
    types --port "$typed_port"
ws_check "a silent client is pinged and stays connected" \
    ping --port "$typed_port" --seconds 3
out=$(http_get "$typed_port" /)
t_contains "STATIC_DIR without a bundle: / answers 404" "$out" '404 application/json'
out=$(http_get "$typed_port" /api/entities)
t_contains "the every-type entities are listed" "$out" '"name":"Sample","table":"samples"'


# ---- SIGTERM ------------------------------------------------------------------------------

for name in main typed; do
    if [ "$name" = main ]; then pid=$main_pid p=$port; else pid=$typed_pid p=$typed_port; fi
    ws_check "$name: SIGTERM closes every client with 1001 (going away)" \
        shutdown --port "$p" --clients 3 --pid "$pid"
    rc=0
    wait "$pid" || rc=$?
    [ "$rc" -eq 0 ] && t_pass "$name: exits 0 after SIGTERM" ||
        t_fail "$name: exits 0 after SIGTERM" "exit status $rc" "$(tail -n 20 "$T_SCRATCH/$name.log")"
    if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error' "$T_SCRATCH/$name.log"; then
        t_fail "$name: no sanitizer report" "$(grep -m 5 -A 10 -E 'Sanitizer|runtime error' "$T_SCRATCH/$name.log")"
    else
        t_pass "$name: no sanitizer report (ASan, LeakSanitizer, UBSan)"
    fi
done
t_finish
