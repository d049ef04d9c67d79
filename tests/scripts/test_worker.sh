#!/usr/bin/env bash
# test_worker.sh - the generated worker against a real nats-server and PostgreSQL
# (started here on free loopback ports), built with ASan and UBSan.
#
# Messages are published straight to JetStream by tests/worker/jsutil.c (no
# ingestion API), with envelopes from tests/worker/envelopes.py. Covered: the
# schema (--migrate-only, concurrent start-ups); an order with 2 items gives
# 1 + 2 rows and one processed status, NOTIFY included; a resent order updates
# its rows in place; every type round-trips; poison messages (bad payload, bad
# envelope, unknown entity, a row PostgreSQL refuses) go to MESSAGES_DLQ with
# their reason while the rest of their batch is stored; a transient failure
# is retried with backoff and ends in the DLQ on the last delivery; PostgreSQL
# stopped and restarted during a load, nats-server restarted during a load, a
# worker killed with SIGKILL, and two workers at once all end with every
# message stored exactly once; SIGTERM drains; /health, /ready and /metrics.
. "$(dirname "$0")/lib.sh"
t_init worker

helpers=$NOMNOM_SOURCE_DIR/tests/worker
out=$T_SCRATCH/tpch
t_check "generate tpch" t_generate "$out"
t_check "make SANITIZE=1 bin/worker" make -C "$out" -j2 SANITIZE=1 bin/worker
read -ra nats_flags <<<"$(pkg-config --cflags --libs libnats jansson)"
t_check "build jsutil" cc -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -O1 \
    -I"$out" "$helpers/jsutil.c" "$out/common/streams.c" "$out/common/log.c" "$out/common/clock.c" "$out/common/buf.c" \
    "${nats_flags[@]}" -o "$T_SCRATCH/jsutil"
[ -x "$out/bin/worker" ] && [ -x "$T_SCRATCH/jsutil" ] || { t_fail "worker and jsutil built"; t_finish; }
t_start_nats || { t_fail "start nats-server"; t_finish; }
t_start_postgres || { t_fail "start PostgreSQL"; t_finish; }

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1
export METRICS_HOST=127.0.0.1 RETRY_BASE_MS=100 RETRY_MAX_MS=1000 FETCH_WAIT_MS=200
export LAG_INTERVAL_MS=200 ACK_WAIT_MS=2000

jsutil() { "$T_SCRATCH/jsutil" "$@"; }
envelopes() { python3 "$helpers/envelopes.py" "$@"; }
publish() { jsutil publish 2>/dev/null; }
q() { t_psql -At -c "$1"; }

# start_worker NAME [VAR=VALUE...]: bin/worker in the background, from the
# tree (SCHEMA_FILE defaults to sql/schema.sql there); sets W_PID and W_PORT
# and waits for /ready. Its log is $T_SCRATCH/NAME.log.
start_worker() {
    local name=$1
    shift
    W_PORT=$(t_free_port)
    (cd "$out" && exec env METRICS_PORT="$W_PORT" "$@" bin/worker) >"$T_SCRATCH/$name.log" 2>&1 &
    W_PID=$!
    T_PIDS+=("$W_PID")
    t_wait_for 30 curl -fsS -o /dev/null "http://127.0.0.1:$W_PORT/ready"
}

# stop_worker PID: SIGTERM, wait; sets rc to its exit code.
stop_worker() {
    kill -TERM "$1" 2>/dev/null
    rc=0
    wait "$1" || rc=$?
}

metric() { curl -fsS "http://127.0.0.1:$1/metrics" | awk -v m="$2" '$1 == m { print $2 }'; }
count() { q "SELECT count(*) FROM $1"; }
# stored_sql FIRST LAST: the query "orders|line items" stored for order_key FIRST..LAST.
stored_sql() {
    printf "SELECT (SELECT count(*) FROM orders WHERE order_key BETWEEN %s AND %s) || '|' || (SELECT count(*) FROM order_line_items WHERE order_key BETWEEN %s AND %s)" "$1" "$2" "$1" "$2"
}
# wait_eq SECONDS EXPECTED SQL: until the query returns EXPECTED.
wait_eq() { t_wait_for "$1" bash -c "[ \"\$(psql '$DATABASE_URL' -X -At -c \"$3\")\" = '$2' ]"; }

# ---- schema ------------------------------------------------------------------------
t_expect_exit "--help" 0 "$out/bin/worker" --help
t_contains "--help lists --migrate-only and the worker's variables" "$T_OUT" "--migrate-only"
t_contains "--help lists CONCURRENCY" "$T_OUT" "CONCURRENCY"
(cd "$out" && for i in 1 2 3; do bin/worker --migrate-only >"$T_SCRATCH/migrate-$i.log" 2>&1 & done
    failed=0; for job in $(jobs -p); do wait "$job" || failed=1; done; exit $failed) &&
    t_pass "three --migrate-only at once all exit 0 (advisory lock)" ||
    t_fail "three --migrate-only at once all exit 0 (advisory lock)" "$(cat "$T_SCRATCH"/migrate-*.log)"
tables=$(q "SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = 'public'")
t_contains "--migrate-only created the tables" "$tables" "customers,message_status,order_line_items,orders,products"
t_expect_exit "a missing SCHEMA_FILE is an error (exit 1)" 1 \
    env SCHEMA_FILE="$T_SCRATCH/none.sql" "$out/bin/worker" --migrate-only
t_contains "... that names the file" "$T_OUT" "none.sql"
printf 'CREATE TABLE broken (;\n' >"$T_SCRATCH/broken.sql"
t_expect_exit "a schema PostgreSQL refuses is an error (exit 1), not retried forever" 1 \
    env SCHEMA_FILE="$T_SCRATCH/broken.sql" "$out/bin/worker" --migrate-only
t_contains "... with PostgreSQL's reason" "$T_OUT" "syntax error"

# ---- one order, then the same order resent ------------------------------------------
start_worker w1 CONCURRENCY=2
t_check "worker ready" curl -fsS "http://127.0.0.1:$W_PORT/ready"
t_check "/health answers" curl -fsS "http://127.0.0.1:$W_PORT/health"
(psql "$DATABASE_URL" -X -c "LISTEN nomnom_changes" -c "SELECT pg_sleep(4)" >"$T_SCRATCH/listen.out" 2>&1 &)
sleep 0.5
id1=$(python3 -c 'import uuid; print(uuid.uuid4())')
envelopes order 1001 "$id1" "Clerk#1" 4 | publish
t_check "an Order with 2 items becomes 1 + 2 rows" wait_eq 20 "1|2" \
    "SELECT (SELECT count(*) FROM orders WHERE order_key = 1001) || '|' || (SELECT count(*) FROM order_line_items WHERE order_key = 1001)"
status=$(q "SELECT status, attempts, entity_type, source, received_at = '2024-05-01T12:00:00.123Z', processed_at IS NOT NULL, error IS NULL FROM message_status WHERE message_id = '$id1'")
t_contains "one processed status: attempts, entity, source, received_at, processed_at" "$status" "processed|1|Order|test-worker|t|t|t"
t_check "rows carry the message id" wait_eq 5 "3" \
    "SELECT (SELECT count(*) FROM orders WHERE _message_id = '$id1') + (SELECT count(*) FROM order_line_items WHERE _message_id = '$id1')"
sleep 4
t_contains "NOTIFY nomnom_changes after the commit" "$(cat "$T_SCRATCH/listen.out")" 'notification "nomnom_changes"'

id2=$(python3 -c 'import uuid; print(uuid.uuid4())')
envelopes order 1001 "$id2" "Clerk#2" 9 | publish
t_check "the resent order is applied" wait_eq 20 "Clerk#2" "SELECT clerk FROM orders WHERE order_key = 1001"
t_contains "... still 1 + 2 rows, with the new values" \
    "$(q "SELECT count(DISTINCT o.id) || '|' || count(*) || '|' || min(i.quantity) || '|' || bool_and(i._message_id = '$id2') FROM orders o JOIN order_line_items i USING (order_key) WHERE order_key = 1001")" \
    "1|2|9|t"
t_contains "... and both messages are processed" \
    "$(q "SELECT string_agg(status, ',') FROM message_status WHERE message_id IN ('$id1', '$id2')")" "processed,processed"

versions="SELECT string_agg(xmin::text, ',' ORDER BY line_number) FROM (SELECT xmin, 0 AS line_number FROM orders WHERE order_key = 1001 UNION ALL SELECT xmin, line_number FROM order_line_items WHERE order_key = 1001) v"
before=$(q "$versions")
processed=$(metric "$W_PORT" 'worker_messages_processed_total{entity="Order"}')
# the same envelope again, without Nats-Msg-Id so that JetStream stores it: a redelivery
envelopes order 1001 "$id2" "Clerk#2" 9 | awk -F '\t' -v OFS='\t' '{ $2 = "-"; print }' | publish
# more_processed N: the worker has stored more than N Order messages
more_processed() { [ "$(metric "$W_PORT" 'worker_messages_processed_total{entity="Order"}')" -gt "$1" ]; }
t_check "a redelivered message is processed again" t_wait_for 20 more_processed "$processed"
t_contains "... and changes nothing: not even a new row version" "$(q "$versions")" "$before"

# ---- every type round-trips ----------------------------------------------------------
envelopes types | publish
t_check "one message of each entity stored" wait_eq 20 "3" \
    "SELECT count(*) FROM message_status WHERE message_id::text LIKE '0000007e-%' AND status = 'processed'"
roundtrip=$(t_psql -At -F $'\t' -c "SET timezone = 'UTC'" -c "
    SELECT 'customers', row_to_json(t) FROM customers t WHERE _message_id::text LIKE '0000007e-%'
    UNION ALL SELECT 'products', row_to_json(t) FROM products t WHERE _message_id::text LIKE '0000007e-%'
    UNION ALL SELECT 'orders', row_to_json(t) FROM orders t WHERE _message_id::text LIKE '0000007e-%'
    UNION ALL SELECT 'order_line_items', row_to_json(t) FROM order_line_items t WHERE _message_id::text LIKE '0000007e-%'" |
    envelopes check-types 2>&1)
t_contains "String (quotes, unicode, newlines), Integer at 64-bit limits, Float, Boolean, null, Decimal, Date, DateTime, Json" \
    "$roundtrip" "every value round-trips"

stop_worker "$W_PID"
t_contains "SIGTERM: exit 0 (and no leak or UB report under the sanitizers)" "rc=$rc" "rc=0"
t_contains "... its log says so" "$(tail -n 3 "$T_SCRATCH/w1.log")" "stopped exit_code=0"

# ---- poison among good messages, in one batch -----------------------------------------
t_psql -c "ALTER TABLE orders ADD CONSTRAINT test_no_666 CHECK (order_key <> 2666)" >/dev/null
{
    envelopes poison 2000
    envelopes order 2666 "$(python3 -c 'import uuid; print(uuid.uuid4())')"
    for k in 2010 2011 2012; do envelopes order "$k" "$(python3 -c 'import uuid; print(uuid.uuid4())')"; done
} | publish
start_worker w2 CONCURRENCY=1 BATCH_SIZE=64
t_check "the good messages of the batch are stored" wait_eq 20 "6" \
    "SELECT count(*) FROM orders WHERE order_key IN (2000, 2004, 2005, 2010, 2011, 2012)"
t_check "... and the poison ones are in MESSAGES_DLQ" t_wait_for 20 bash -c \
    "[ \$('$T_SCRATCH/jsutil' dump MESSAGES_DLQ | wc -l) -ge 4 ]"
dlq=$(jsutil dump MESSAGES_DLQ | envelopes check-dlq)
t_contains "invalid payload: messages.dlq.Order, with the JSON pointer" "$dlq" \
    "messages.dlq.Order|00000090-0000-4000-8000-0000000007d1|1|invalid payload: /line_items/0/quantity: expected integer|True"
t_contains "an envelope that is not JSON: messages.dlq.unknown" "$dlq" "messages.dlq.unknown|-|1|invalid envelope: not JSON"
t_contains "an unknown entity: messages.dlq.unknown" "$dlq" \
    "messages.dlq.unknown|00000090-0000-4000-8000-0000000007d3|1|unknown entity 'Invoice'|True"
t_contains "a row PostgreSQL refuses (CHECK): its own DLQ entry, the rest stored" "$dlq" "violates check constraint"
t_contains "the DLQ statuses are written" \
    "$(q "SELECT count(*) || '|' || bool_and(error <> '') FROM message_status WHERE status = 'dlq'")" "3|t"
t_check "no row of a refused message was written" wait_eq 5 "0" \
    "SELECT count(*) FROM orders WHERE order_key IN (2001, 2003, 2666)"
t_psql -c "ALTER TABLE orders DROP CONSTRAINT test_no_666" >/dev/null

# ---- a transient failure: backoff, then the DLQ on the last delivery ----------------------
# The worker counts deliveries itself (the consumer has no server-side
# MaxDeliver). nats-server 2.9 sometimes counts a redelivery it never makes
# (nats-server#5305, #5338): the message then comes back after ACK_WAIT with a
# delivery count one higher, and the message delivered last before it comes
# again with count 1. So the worker may see deliveries 1, 2, 4 (and store a
# batch-mate twice, harmlessly): the checks accept that, and nothing else.
stop_worker "$W_PID"
t_contains "SIGTERM after the poison batch: exit 0" "rc=$rc" "rc=0"
t_psql -c "CREATE FUNCTION test_fail() RETURNS trigger LANGUAGE plpgsql AS \$\$
           BEGIN IF NEW.order_key = 3777 THEN
               RAISE EXCEPTION 'test: simulated serialization failure' USING ERRCODE = '40001';
           END IF; RETURN NEW; END \$\$;
           CREATE TRIGGER test_fail BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION test_fail()" >/dev/null
idt=$(python3 -c 'import uuid; print(uuid.uuid4())')
{ envelopes order 3777 "$idt"; for k in 3001 3002 3003; do envelopes order "$k" "$(python3 -c 'import uuid; print(uuid.uuid4())')"; done; } | publish
start_worker w3 CONCURRENCY=1 MAX_DELIVER=3
t_check "batch-mates of a failing message are stored at once" wait_eq 20 "3" \
    "SELECT count(*) FROM orders WHERE order_key IN (3001, 3002, 3003)"
t_check "the failing message ends in the DLQ after MAX_DELIVER=3 deliveries" wait_eq 30 "dlq|true" \
    "SELECT status || '|' || (attempts >= 3) FROM message_status WHERE message_id = '$idt'"
attempts=$(q "SELECT attempts FROM message_status WHERE message_id = '$idt'")
t_contains "... its DLQ entry says why and how often" "$(jsutil dump MESSAGES_DLQ | envelopes check-dlq)" \
    "messages.dlq.Order|$idt|$attempts|40001: test: simulated serialization failure"
failed=$(metric "$W_PORT" 'worker_messages_failed_total{entity="Order"}')
[ "${failed:-0}" -ge 1 ] && [ "${failed:-0}" -le $((attempts - 1)) ] &&
    t_pass "worker_messages_failed_total counts the retried deliveries ($failed of $attempts)" ||
    t_fail "worker_messages_failed_total counts the retried deliveries" "failed=$failed attempts=$attempts"
t_contains "... and no row of it was written" \
    "$(q "SELECT count(*) FROM orders WHERE order_key = 3777")" "0"
t_psql -c "DROP TRIGGER test_fail ON orders; DROP FUNCTION test_fail()" >/dev/null

metrics=$(curl -fsS "http://127.0.0.1:$W_PORT/metrics")
processed=$(printf '%s\n' "$metrics" | awk '$1 == "worker_messages_processed_total{entity=\"Order\"}" { print $2 }')
[ "${processed:-0}" -ge 3 ] && t_pass "/metrics: processed by entity ($processed)" ||
    t_fail "/metrics: processed by entity" "$metrics"
t_contains "/metrics: dlq by entity" "$metrics" 'worker_messages_dlq_total{entity="Order"} 1'
t_contains "/metrics: batch duration histogram" "$metrics" 'worker_batch_duration_seconds_bucket{le="+Inf"}'
t_contains "/metrics: consumer lag" "$metrics" 'worker_consumer_lag 0'
t_contains "/metrics: database connection" "$metrics" 'worker_database_up{loop="0"} 1'
stop_worker "$W_PID"
t_contains "SIGTERM: exit 0" "rc=$rc" "rc=0"

# ---- a worker killed during the last allowed delivery ------------------------------------
# With a server-side MaxDeliver the server would never deliver this message
# again: it would end neither as rows nor in the DLQ.
t_psql -c "CREATE FUNCTION test_slow() RETURNS trigger LANGUAGE plpgsql AS \$\$
           BEGIN IF NEW.order_key = 3888 THEN PERFORM pg_sleep(3);
               RAISE EXCEPTION 'test: slow failure' USING ERRCODE = '40001';
           END IF; RETURN NEW; END \$\$;
           CREATE TRIGGER test_slow BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION test_slow()" >/dev/null
ids=$(python3 -c 'import uuid; print(uuid.uuid4())')
envelopes order 3888 "$ids" | publish
start_worker w3k CONCURRENCY=1 MAX_DELIVER=1
t_check "the last allowed delivery is being written" t_wait_for 20 bash -c \
    "[ \$(psql '$DATABASE_URL' -X -At -c \"SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%orders%' AND wait_event = 'PgSleep'\") -ge 1 ]"
kill -KILL "$W_PID"
wait "$W_PID" 2>/dev/null
start_worker w3l CONCURRENCY=1 MAX_DELIVER=1
t_check "killed during it: redelivered after ACK_WAIT_MS and sent to the DLQ" wait_eq 30 "dlq" \
    "SELECT status FROM message_status WHERE message_id = '$ids'"
t_contains "... with its error" "$(jsutil dump MESSAGES_DLQ | envelopes check-dlq)" \
    "messages.dlq.Order|$ids|"
t_psql -c "DROP TRIGGER test_slow ON orders; DROP FUNCTION test_slow()" >/dev/null
stop_worker "$W_PID"
t_contains "SIGTERM: exit 0" "rc=$rc" "rc=0"

# ---- PostgreSQL stopped during a load, then restarted ------------------------------------
start_worker w4 CONCURRENCY=2 BATCH_SIZE=32
jsutil orders 6000 100000 11 2>/dev/null &
loader=$!
t_wait_for 30 bash -c "[ \$(psql '$DATABASE_URL' -X -At -c 'SELECT count(*) FROM orders WHERE order_key >= 100000') -ge 300 ]"
t_stop_postgres
t_check "/ready says 503 while PostgreSQL is down" t_wait_for 10 bash -c \
    "[ \$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$W_PORT/ready) = 503 ]"
t_check "/health still answers" curl -fsS "http://127.0.0.1:$W_PORT/health"
sleep 1
t_pg_start
wait "$loader" && t_pass "the load was published whole" || t_fail "the load was published whole"
t_check "PostgreSQL back: every order of the load stored" wait_eq 90 "6000|12000" \
    "$(stored_sql 100000 105999)"
t_contains "... once each, all processed, none in the DLQ" \
    "$(q "SELECT count(*) || '|' || count(*) FILTER (WHERE status = 'processed') FROM message_status WHERE message_id::text LIKE '0000000b-%'")" "6000|6000"
t_contains "... the worker noticed and reconnected" "$(cat "$T_SCRATCH/w4.log")" "database connected"
t_check "/ready again" t_wait_for 10 curl -fsS -o /dev/null "http://127.0.0.1:$W_PORT/ready"
stop_worker "$W_PID"
t_contains "SIGTERM: exit 0" "rc=$rc" "rc=0"

# ---- nats-server restarted during a load -------------------------------------------------------
jsutil orders 4000 150000 15 2>/dev/null
start_worker w4n CONCURRENCY=2 BATCH_SIZE=64
t_wait_for 30 bash -c "[ \$(psql '$DATABASE_URL' -X -At -c 'SELECT count(*) FROM orders WHERE order_key >= 150000') -ge 300 ]"
t_restart_nats && t_pass "nats-server restarted (same storage) mid-load" ||
    t_fail "nats-server restarted (same storage) mid-load"
t_check "NATS back: every order of the load stored" wait_eq 90 "4000|8000" \
    "$(stored_sql 150000 153999)"
t_contains "... once each, all processed" \
    "$(q "SELECT count(*) || '|' || count(*) FILTER (WHERE status = 'processed') FROM message_status WHERE message_id::text LIKE '0000000f-%'")" "4000|4000"
t_check "/ready again after the reconnection" t_wait_for 10 curl -fsS -o /dev/null "http://127.0.0.1:$W_PORT/ready"
stop_worker "$W_PID"
t_contains "SIGTERM: exit 0" "rc=$rc" "rc=0"

# ---- SIGKILL mid-load, restart: exactly once ------------------------------------------------
jsutil orders 4000 200000 12 2>/dev/null
start_worker w5 CONCURRENCY=2 BATCH_SIZE=128
t_wait_for 30 bash -c "[ \$(psql '$DATABASE_URL' -X -At -c 'SELECT count(*) FROM orders WHERE order_key >= 200000') -ge 500 ]"
kill -KILL "$W_PID"
wait "$W_PID" 2>/dev/null
killed_at=$(count "orders WHERE order_key BETWEEN 200000 AND 203999")
start_worker w6 CONCURRENCY=2 BATCH_SIZE=128
t_check "killed at $killed_at of 4000 orders, restarted: all stored" wait_eq 90 "4000|8000" \
    "$(stored_sql 200000 203999)"
t_contains "... exactly once: one row per order key, one status per message" \
    "$(q "SELECT count(DISTINCT order_key) || '|' || (SELECT count(*) FROM message_status WHERE message_id::text LIKE '0000000c-%' AND status = 'processed')
          FROM orders WHERE order_key BETWEEN 200000 AND 203999")" "4000|4000"
stop_worker "$W_PID"
t_contains "SIGTERM: exit 0" "rc=$rc" "rc=0"

# ---- two workers at once ---------------------------------------------------------------------
start_worker w7 CONCURRENCY=1 BATCH_SIZE=32
pid_a=$W_PID port_a=$W_PORT
start_worker w8 CONCURRENCY=1 BATCH_SIZE=32
pid_b=$W_PID port_b=$W_PORT
jsutil orders 3000 300000 13 2>/dev/null
t_check "two workers: every order stored" wait_eq 90 "3000|6000" \
    "$(stored_sql 300000 302999)"
# the counters move just after the commit that made the rows visible: wait for them (bounded)
for _ in $(seq 1 50); do
    a=$(metric "$port_a" 'worker_messages_processed_total{entity="Order"}')
    b=$(metric "$port_b" 'worker_messages_processed_total{entity="Order"}')
    [ $((${a:-0} + ${b:-0})) -ge 3000 ] && break
    sleep 0.1
done
t_check "... the load is shared (worker A: ${a:-0}, worker B: ${b:-0})" \
    test "${a:-0}" -gt 0 -a "${b:-0}" -gt 0 -a $((${a:-0} + ${b:-0})) -eq 3000
t_contains "... no duplicates" \
    "$(q "SELECT count(*) = count(DISTINCT order_key) FROM orders WHERE order_key BETWEEN 300000 AND 302999")" "t"
stop_worker "$pid_a"
rc_a=$rc
stop_worker "$pid_b"
t_contains "both stop with exit 0" "$rc_a$rc" "00"

# ---- SIGTERM drains ----------------------------------------------------------------------------
jsutil orders 3000 400000 14 2>/dev/null
start_worker w9 CONCURRENCY=2 BATCH_SIZE=256
t_wait_for 30 bash -c "[ \$(psql '$DATABASE_URL' -X -At -c 'SELECT count(*) FROM orders WHERE order_key >= 400000') -ge 200 ]"
stop_worker "$W_PID"
t_contains "SIGTERM mid-load: exit 0" "rc=$rc" "rc=0"
t_check "... the batches in hand were committed and acknowledged" t_wait_for 5 bash -c \
    "'$T_SCRATCH/jsutil' info | grep -q 'ack_pending=0 '"
stored=$(count "orders WHERE order_key BETWEEN 400000 AND 402999")
t_contains "... every stored order has its status (nothing half-done)" \
    "$(q "SELECT count(*) FROM message_status WHERE message_id::text LIKE '0000000e-%'")" "$stored"
start_worker w10 CONCURRENCY=2
t_check "a new worker takes the rest: every order stored once" wait_eq 60 "3000|6000" \
    "$(stored_sql 400000 402999)"
stop_worker "$W_PID"
t_contains "SIGTERM: exit 0" "rc=$rc" "rc=0"
t_contains "nothing of the loads went to the DLQ" \
    "$(jsutil dump MESSAGES_DLQ | grep -c '"message_id":"0000000[bcdef]-' || true)" "0"
t_finish
