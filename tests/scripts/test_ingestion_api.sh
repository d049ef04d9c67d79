#!/usr/bin/env bash
# test_ingestion_api.sh - the generated ingestion API against a real nats-server,
# built with AddressSanitizer and UndefinedBehaviorSanitizer (make SANITIZE=1):
# every status code, the envelope read back from the stream field by field,
# Idempotency-Key de-duplication, NATS down at start / paused / killed and
# restarted, 200 concurrent requests, the JSONTestSuite n_* cases, /metrics,
# /openapi.json, bearer authentication, and a SIGTERM drain that exits 0.
. "$(dirname "$0")/lib.sh"
t_init ingestion_api

command -v nats-server >/dev/null || t_skip "nats-server is not installed"
command -v curl >/dev/null || t_skip "curl is not installed"

HERE=$NOMNOM_SOURCE_DIR/tests/scripts
NATS_PY=$HERE/ingestion_nats.py
HTTP_PY=$HERE/ingestion_http.py
SUITE=$NOMNOM_SOURCE_DIR/tests/data/jsontestsuite/test_parsing
NAMESPACE=4c1372d6-56e5-4620-8a53-cd3fcb69fc06 # envelope.h: INGEST_IDEMPOTENCY_NAMESPACE
UUID_RE='^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'

out=$T_SCRATCH/tpch
t_check "generate tpch" t_generate "$out"
t_check "make SANITIZE=1 bin/ingestion-api" make -C "$out" -j2 SANITIZE=1 bin/ingestion-api
[ -x "$out/bin/ingestion-api" ] || t_finish

API_LOG=$T_SCRATCH/api.log
API_PID=
API_PORT=

# ---- helpers ----------------------------------------------------------------

# in_shell DESCRIPTION COMMAND...: like t_check, but runs COMMAND in this shell
# (for commands that start processes and set variables).
in_shell() {
    local what=$1
    shift
    if "$@"; then
        t_pass "$what"
    else
        t_fail "$what" "command: $*"
    fi
}

api_url() { printf 'http://127.0.0.1:%s' "$API_PORT"; }

# start_api [NAME=VALUE...]: the service on a free port, under the sanitizers.
start_api() {
    API_PORT=$(t_free_port)
    env PORT="$API_PORT" BIND_ADDRESS=127.0.0.1 NATS_URL="$NATS_URL" PUBLISH_TIMEOUT=4s \
        SHUTDOWN_TIMEOUT=10s ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 "$@" \
        "$out/bin/ingestion-api" >>"$API_LOG" 2>&1 &
    API_PID=$!
    T_PIDS+=("$API_PID")
    t_wait_for 30 curl -sf "$(api_url)/health"
}

# stop_api: SIGTERM, then wait; sets API_EXIT.
stop_api() {
    kill -TERM "$API_PID" 2>/dev/null
    API_EXIT=0
    wait "$API_PID" || API_EXIT=$?
}

# req METHOD PATH [CURL ARGS...]: sets R_STATUS, and R_BODY / R_HEADERS (files).
R_BODY=$T_SCRATCH/response.body
R_HEADERS=$T_SCRATCH/response.headers
req() {
    local method=$1 path=$2
    shift 2
    R_STATUS=$(curl -s -o "$R_BODY" -D "$R_HEADERS" -w '%{http_code}' --max-time 30 \
        -X "$method" "$@" "$(api_url)$path") || true
    [ -n "$R_STATUS" ] || R_STATUS=000
}

# post ENTITY FILE [CURL ARGS...]: POST a JSON file.
post() {
    local entity=$1 file=$2
    shift 2
    req POST "/ingest/$entity" -H 'Content-Type: application/json' --data-binary "@$file" "$@"
}

# expect_status DESCRIPTION CODE: the last answer's status.
expect_status() {
    if [ "$R_STATUS" = "$2" ]; then
        t_pass "$1"
    else
        t_fail "$1" "expected HTTP $2, got $R_STATUS" "$(head -c 600 "$R_BODY" 2>/dev/null)"
    fi
}

# header NAME: a header of the last answer (value only, no CR).
header() {
    grep -i "^$1:" "$R_HEADERS" | head -n 1 | cut -d: -f2- | tr -d '\r' | sed 's/^ *//'
}

# jq_py FILE EXPRESSION: evaluate a Python expression over the JSON in FILE (as d).
jq_py() {
    python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# json_check DESCRIPTION FILE EXPRESSION: passes when the expression is true.
json_check() {
    local got
    got=$(jq_py "$2" "$3" 2>&1)
    if [ "$got" = "True" ]; then
        t_pass "$1"
    else
        t_fail "$1" "false: $3" "$(head -c 800 "$2")"
    fi
}

stream_count() { python3 "$NATS_PY" "$NATS_URL" count MESSAGES; }

wait_ready() { t_wait_for "${1:-20}" curl -sf "$(api_url)/ready"; }
wait_not_ready() {
    t_wait_for "${1:-20}" bash -c "! curl -sf '$(api_url)/ready'"
}

uuid5() {
    python3 -c 'import sys, uuid; print(uuid.uuid5(uuid.UUID(sys.argv[1]), sys.argv[2]))' \
        "$NAMESPACE" "$1"
}

# The example payloads of the generated tree, one file per entity.
python3 - "$out/examples/payloads.json" "$T_SCRATCH" <<'PY'
import json, sys
examples = json.load(open(sys.argv[1]))
for name, payload in examples.items():
    json.dump(payload, open("%s/%s.json" % (sys.argv[2], name), "w"))
order = examples["Order"]
extra = dict(order, x_unknown={"kept": [1, 2]}, order_key=77)
json.dump(extra, open(sys.argv[2] + "/order_extra.json", "w"))
bad = dict(order)
del bad["clerk"]
bad["order_date"] = "2024-02-30"
bad["ship_priority"] = 99999999999999999999
bad["line_items"] = [dict(order["line_items"][0], quantity="three"), 7]
json.dump(bad, open(sys.argv[2] + "/order_bad.json", "w"))
PY
ORDER=$T_SCRATCH/Order.json

# ---- NATS down at start: the service starts, answers /health, 503s --------------

NATS_PORT=$(t_free_port)
NATS_URL="nats://127.0.0.1:$NATS_PORT"
in_shell "starts while NATS is down" start_api
req GET /health
expect_status "/health is 200 while NATS is down" 200
req GET /ready
expect_status "/ready is 503 while NATS is down" 503
post Order "$ORDER"
expect_status "POST while NATS is down: 503" 503
t_contains "503 carries Retry-After" "$(header Retry-After)" "1"
t_contains "503 names the cause" "$(cat "$R_BODY")" '"error":"nats_unavailable"'

in_shell "nats-server starts" t_start_nats
t_check "ready once NATS is up (streams created in the background)" wait_ready 30
t_check "streams MESSAGES and MESSAGES_DLQ exist" bash -c \
    "python3 '$NATS_PY' '$NATS_URL' count MESSAGES && python3 '$NATS_PY' '$NATS_URL' count MESSAGES_DLQ"

# ---- accepted: 202 after the PubAck, the envelope read back ------------------------

before=$(stream_count)
post Order "$ORDER"
expect_status "POST /ingest/Order: 202" 202
MSG_ID=$(jq_py "$R_BODY" 'd["message_id"]' 2>/dev/null)
json_check "202 body: message_id and status accepted" "$R_BODY" \
    "d['status'] == 'accepted' and len(d) == 2"
t_check "message_id is a version 4 UUID" bash -c "[[ '$MSG_ID' =~ $UUID_RE ]]"
python3 "$NATS_PY" "$NATS_URL" last MESSAGES messages.ingest.Order >"$T_SCRATCH/envelope.json" 2>&1
json_check "stored on messages.ingest.Order with Nats-Msg-Id = message_id" "$T_SCRATCH/envelope.json" \
    "d['subject'] == 'messages.ingest.Order' and d['headers'].get('Nats-Msg-Id') == '$MSG_ID'"
json_check "envelope: exactly the five fields" "$T_SCRATCH/envelope.json" \
    "sorted(d['data']) == ['entity_type', 'message_id', 'payload', 'received_at', 'source']"
json_check "envelope.message_id" "$T_SCRATCH/envelope.json" "d['data']['message_id'] == '$MSG_ID'"
json_check "envelope.entity_type" "$T_SCRATCH/envelope.json" "d['data']['entity_type'] == 'Order'"
json_check "envelope.source is the client address" "$T_SCRATCH/envelope.json" \
    "d['data']['source'] == '127.0.0.1'"
json_check "envelope.received_at: RFC 3339 UTC with milliseconds, now" "$T_SCRATCH/envelope.json" \
    "__import__('re').fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z', d['data']['received_at']) is not None and abs(__import__('datetime').datetime.strptime(d['data']['received_at'], '%Y-%m-%dT%H:%M:%S.%fZ').replace(tzinfo=__import__('datetime').timezone.utc).timestamp() - __import__('time').time()) < 120"
json_check "envelope.payload is the request body" "$T_SCRATCH/envelope.json" \
    "d['data']['payload'] == json.load(open('$ORDER'))"
t_check "one message more in the stream" test "$(stream_count)" -eq $((before + 1))

post Customer "$T_SCRATCH/Customer.json" -H 'X-Source: billing-system'
expect_status "POST /ingest/Customer (reference entity): 202" 202
python3 "$NATS_PY" "$NATS_URL" last MESSAGES messages.ingest.Customer >"$T_SCRATCH/customer.json" 2>&1
json_check "X-Source becomes envelope.source" "$T_SCRATCH/customer.json" \
    "d['data']['source'] == 'billing-system' and d['data']['entity_type'] == 'Customer'"
post Product "$T_SCRATCH/Product.json"
expect_status "POST /ingest/Product (reference entity): 202" 202
post Order "$T_SCRATCH/order_extra.json"
expect_status "unknown fields are accepted" 202
python3 "$NATS_PY" "$NATS_URL" last MESSAGES messages.ingest.Order >"$T_SCRATCH/extra.json" 2>&1
json_check "unknown fields are kept in the payload" "$T_SCRATCH/extra.json" \
    "d['data']['payload']['x_unknown'] == {'kept': [1, 2]}"

# ---- refused: every status code, nothing published ------------------------------------

before=$(stream_count)
printf '{"order_key": ' >"$T_SCRATCH/truncated.json"
post Order "$T_SCRATCH/truncated.json"
expect_status "invalid JSON: 400" 400
json_check "invalid JSON: error invalid_json with the position" "$R_BODY" \
    "d['error'] == 'invalid_json' and 'line 1' in d['message']"

post Order "$T_SCRATCH/order_bad.json"
expect_status "schema violations: 400" 400
cp "$R_BODY" "$T_SCRATCH/problems.json"
json_check "validation_failed lists every problem" "$T_SCRATCH/problems.json" \
    "d['error'] == 'validation_failed' and len(d['details']) >= 5"
for pointer in /clerk /order_date /ship_priority /line_items/0/quantity /line_items/1; do
    json_check "problem reported at $pointer" "$T_SCRATCH/problems.json" \
        "'$pointer' in [p['path'] for p in d['details']]"
done
json_check "Integer beyond 64 bits is named as such" "$T_SCRATCH/problems.json" \
    "[p['message'] for p in d['details'] if p['path'] == '/ship_priority'] == ['integer out of 64-bit range']"

printf '[1, 2]' >"$T_SCRATCH/array.json"
post Order "$T_SCRATCH/array.json"
expect_status "a JSON array, not an object: 400" 400

post Nope "$ORDER"
expect_status "unknown entity: 404" 404
post OrderLineItem "$ORDER"
expect_status "derived entity: 404" 404
json_check "derived entity: says it is extracted from Order" "$R_BODY" \
    "d['error'] == 'not_ingestible' and 'Order' in d['message'] and 'line_items' in d['message']"
req GET /nowhere
expect_status "unknown path: 404" 404

req GET /ingest/Order
expect_status "GET /ingest/Order: 405" 405
t_contains "405 on /ingest carries Allow: POST" "$(header Allow)" "POST"
req DELETE /ingest/Order
expect_status "DELETE /ingest/Order: 405" 405
req POST /health -d x
expect_status "POST /health: 405" 405
t_contains "405 on /health carries Allow: GET" "$(header Allow)" "GET"

req POST /ingest/Order --data-binary "@$ORDER" -H 'Content-Type: text/plain'
expect_status "Content-Type text/plain: 415" 415
req POST /ingest/Order --data-binary "@$ORDER" -H 'Content-Type:'
expect_status "no Content-Type: 415" 415
post Order "$ORDER" -H 'Content-Type: application/json; charset=utf-8'
expect_status "application/json; charset=utf-8 is accepted" 202

head -c 1048577 /dev/zero | tr '\0' ' ' >"$T_SCRATCH/big.json"
post Order "$T_SCRATCH/big.json"
expect_status "body over MAX_BODY_BYTES (Content-Length): 413" 413
post Order "$T_SCRATCH/big.json" -H 'Transfer-Encoding: chunked'
expect_status "body over MAX_BODY_BYTES (chunked): 413" 413

post Order "$ORDER" -H "$(printf 'Idempotency-Key: caf\xc3\xa9')"
expect_status "Idempotency-Key not printable ASCII: 400" 400
post Order "$ORDER" -H "$(printf 'X-Source: a\xffb')"
expect_status "X-Source not UTF-8: 400" 400
t_check "nothing refused was published" test "$(stream_count)" -eq $((before + 1))

# ---- Idempotency-Key: same id, same answer, stored once ---------------------------------

before=$(stream_count)
post Order "$ORDER" -H 'Idempotency-Key: order-42-attempt'
expect_status "with Idempotency-Key: 202" 202
cp "$R_BODY" "$T_SCRATCH/first.json"
post Order "$ORDER" -H 'Idempotency-Key: order-42-attempt'
expect_status "the same key again: 202" 202
t_check "the same key answers the same body" cmp -s "$T_SCRATCH/first.json" "$R_BODY"
json_check "a key that is no UUID gives its version 5 UUID" "$R_BODY" \
    "d['message_id'] == '$(uuid5 order-42-attempt)'"
t_check "the repeated message is stored once" test "$(stream_count)" -eq $((before + 1))
post Order "$ORDER" -H 'Idempotency-Key: 5E1B3D0C-4C0A-4B52-9D39-0A6E47B0C0DE'
json_check "a UUID key is the message id (lower case)" "$R_BODY" \
    "d['message_id'] == '5e1b3d0c-4c0a-4b52-9d39-0a6e47b0c0de'"

# ---- JSONTestSuite: every n_ case is 400, nothing is 5xx, the server lives -------------

python3 "$HTTP_PY" write-invalid-utf8 "$T_SCRATCH/invalid-utf8" "$ORDER"
before=$(stream_count)
t_expect_exit "JSONTestSuite n_* and invalid UTF-8 cases: all 400" 0 \
    python3 "$HTTP_PY" post-dir "$(api_url)" Order "$SUITE" "$T_SCRATCH/invalid-utf8"
t_contains "every case was posted ($(find "$SUITE" -name 'n_*.json' | wc -l) n_ files)" \
    "$T_OUT" "400 $(($(find "$SUITE" "$T_SCRATCH/invalid-utf8" -type f | wc -l)))"
req GET /health
expect_status "alive after the corpus" 200
t_check "no corpus case was published" test "$(stream_count)" -eq "$before"

# ---- 200 concurrent requests: all acknowledged, all in the stream -----------------------

python3 "$HTTP_PY" concurrent "$(api_url)" 200 "$ORDER" >"$T_SCRATCH/concurrent.json" 2>&1
json_check "200 concurrent requests: all 202" "$T_SCRATCH/concurrent.json" \
    "d['statuses'] == {'202': 200} and len(set(d['ids'])) == 200"
python3 "$NATS_PY" "$NATS_URL" all MESSAGES >"$T_SCRATCH/all.jsonl" 2>&1
t_check "200 concurrent requests: every message id is in the stream" python3 -c '
import json, sys
ids = set(json.load(open(sys.argv[1]))["ids"])
stored = {json.loads(l)["data"]["message_id"] for l in open(sys.argv[2]) if l.strip()}
missing = ids - stored
sys.exit("missing: %s" % sorted(missing)[:5] if missing else 0)' "$T_SCRATCH/concurrent.json" "$T_SCRATCH/all.jsonl"

# ---- /metrics, /openapi.json, the access log --------------------------------------------

req GET /metrics
expect_status "/metrics: 200" 200
t_contains "/metrics is Prometheus text" "$(header Content-Type)" "text/plain"
metrics=$(cat "$R_BODY")
t_contains "/metrics: requests by entity and code" "$metrics" 'ingest_requests_total{entity="Order",code="202"}'
t_contains "/metrics: 400s counted" "$metrics" 'ingest_requests_total{entity="Order",code="400"}'
t_contains "/metrics: publish latency histogram" "$metrics" \
    'ingest_publish_duration_seconds_bucket{entity="Order",outcome="acked",le="+Inf"}'
t_contains "/metrics: in-flight gauge" "$metrics" 'ingest_in_flight 0'
t_contains "/metrics: duplicates counted" "$metrics" 'ingest_duplicates_total{entity="Order"} 1'
t_contains "/metrics: other endpoints" "$metrics" 'http_requests_total{endpoint="/health",code="200"}'

t_expect_exit "/openapi.json: OpenAPI 3.1, one POST per ingestible entity, refs resolve" 0 \
    python3 "$HTTP_PY" openapi "$(api_url)" Customer Order Product
req GET /openapi.json
json_check "/openapi.json: Order.line_items items are OrderLineItem" "$R_BODY" \
    "d['components']['schemas']['Order']['properties']['line_items']['items'] == {'\$ref': '#/components/schemas/OrderLineItem'}"
json_check "/openapi.json: required fields listed" "$R_BODY" \
    "'clerk' in d['components']['schemas']['Order']['required'] and 'comment' not in d['components']['schemas']['Order']['required']"

t_contains "access log line per request" "$(cat "$API_LOG")" \
    "request method=POST path=/ingest/Order status=202"
t_contains "access log names the message id" "$(cat "$API_LOG")" "message_id=$MSG_ID"

# ---- NATS slow: no PubAck in time is 503, and the retry is de-duplicated ---------------

kill -STOP "$NATS_PID"
post Order "$ORDER" -H 'Idempotency-Key: paused-nats'
expect_status "NATS paused: 503 after PUBLISH_TIMEOUT" 503
t_contains "timeout 503 says so" "$(cat "$R_BODY")" '"error":"publish_timeout"'
t_contains "timeout 503 carries Retry-After" "$(header Retry-After)" "1"
req GET /health
expect_status "/health while NATS is paused" 200
kill -CONT "$NATS_PID"
post Order "$ORDER" -H 'Idempotency-Key: paused-nats'
expect_status "retry with the same key after NATS resumed: 202" 202
python3 "$NATS_PY" "$NATS_URL" all MESSAGES >"$T_SCRATCH/all.jsonl" 2>&1
t_check "the retried message is stored once" test \
    "$(grep -c "\"$(uuid5 paused-nats)\"" "$T_SCRATCH/all.jsonl")" -eq 1

# ---- NATS killed: 503 and nothing published; restarted: 202 again -----------------------

before=$(stream_count)
t_stop_nats
t_check "/ready turns 503 when NATS is gone" wait_not_ready 20
all_503=yes
for i in 1 2 3; do
    post Order "$ORDER"
    [ "$R_STATUS" = 503 ] || all_503="no ($R_STATUS)"
done
t_contains "NATS killed: every POST is 503" "$all_503" yes
t_contains "NATS killed: Retry-After" "$(header Retry-After)" "1"
req GET /health
expect_status "/health while NATS is down" 200
in_shell "nats-server restarts (same port, same storage)" t_start_nats
t_check "ready again after the restart" wait_ready 30
t_check "nothing was published while NATS was down" test "$(stream_count)" -eq "$before"
post Order "$ORDER"
expect_status "after the restart: 202 again" 202
t_check "and stored" test "$(stream_count)" -eq $((before + 1))

stop_api
t_check "exit status 0 on SIGTERM (sanitizers found nothing)" test "$API_EXIT" -eq 0

# ---- SIGTERM: stop accepting, finish the publishes in flight, exit 0 --------------------

in_shell "starts again (PUBLISH_TIMEOUT=15s, MAX_IN_FLIGHT=5)" start_api PUBLISH_TIMEOUT=15s \
    MAX_IN_FLIGHT=5
before=$(stream_count)
kill -STOP "$NATS_PID"
for i in 1 2 3 4 5; do
    curl -s -o /dev/null -w '%{http_code}' --max-time 30 -X POST -H 'Content-Type: application/json' \
        --data-binary "@$ORDER" "$(api_url)/ingest/Order" >"$T_SCRATCH/inflight.$i" &
done
in_flight_is() { curl -sf "$(api_url)/metrics" | grep -qx "ingest_in_flight $1"; }
t_check "the 5 publishes are in flight (NATS paused)" t_wait_for 20 in_flight_is 5
post Order "$ORDER"
expect_status "MAX_IN_FLIGHT publishes awaiting their ack: the next one is 503" 503
t_contains "overload 503 says so" "$(cat "$R_BODY")" '"error":"overloaded"'
kill -TERM "$API_PID"
sleep 0.5
t_check "after SIGTERM no new connection is accepted" bash -c "! curl -s --max-time 2 '$(api_url)/health'"
kill -CONT "$NATS_PID"
wait_inflight() {
    local i
    for i in 1 2 3 4 5; do
        [ "$(cat "$T_SCRATCH/inflight.$i" 2>/dev/null)" = 202 ] || return 1
    done
}
t_check "publishes in flight at SIGTERM are answered 202" t_wait_for 20 wait_inflight
API_EXIT=0
wait "$API_PID" || API_EXIT=$?
t_check "exit status 0 after the drain" test "$API_EXIT" -eq 0
t_check "the drained messages are stored" test "$(stream_count)" -eq $((before + 5))

# ---- API_TOKEN: bearer authentication ------------------------------------------------

in_shell "starts with API_TOKEN (REQUEST_TIMEOUT=1s)" start_api API_TOKEN=s3cret-token \
    REQUEST_TIMEOUT=1s
req GET /health
expect_status "API_TOKEN: /health needs no token" 200
post Order "$ORDER"
expect_status "API_TOKEN: no token: 401" 401
t_contains "401 asks for a bearer token" "$(header WWW-Authenticate)" "Bearer"
post Order "$ORDER" -H 'Authorization: Bearer wrong-token'
expect_status "API_TOKEN: wrong token: 401" 401
post Order "$ORDER" -H 'Authorization: Bearer s3cret-token-and-more'
expect_status "API_TOKEN: longer token: 401" 401
post Order "$ORDER" -H 'Authorization: Bearer s3cret-token'
expect_status "API_TOKEN: right token: 202" 202
req GET /metrics
expect_status "API_TOKEN: /metrics without token: 401" 401
req GET /metrics -H 'Authorization: Bearer s3cret-token'
expect_status "API_TOKEN: /metrics with token: 200" 200
t_check "a client that stops sending is cut off after REQUEST_TIMEOUT" python3 -c '
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"POST /ingest/Order HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          b"Authorization: Bearer s3cret-token\r\nContent-Length: 100\r\n\r\n{")
start = time.monotonic()
data = s.recv(4096)
while data and not data.startswith(b"HTTP/"):
    data = s.recv(4096)
elapsed = time.monotonic() - start
sys.exit(0 if elapsed < 5 else "still open after %.1fs" % elapsed)' "$API_PORT"
stop_api
t_check "exit status 0 on SIGTERM" test "$API_EXIT" -eq 0

# ---- stopped while NATS was never reached ------------------------------------------

saved_url=$NATS_URL
NATS_URL="nats://127.0.0.1:$(t_free_port)"
in_shell "starts with an unreachable NATS" start_api
stop_api
t_check "SIGTERM while NATS is unreachable: exit 0" test "$API_EXIT" -eq 0
NATS_URL=$saved_url

if grep -q -E 'AddressSanitizer|LeakSanitizer|runtime error:' "$API_LOG"; then
    t_fail "no sanitizer report in the service log" "$(grep -m 5 -E 'Sanitizer|runtime error' "$API_LOG")"
else
    t_pass "no sanitizer report in the service log"
fi
t_finish
