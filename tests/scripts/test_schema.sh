#!/usr/bin/env bash
# test_schema.sh - sql/schema.sql of the tpch tree applies to a real PostgreSQL,
# twice (it is idempotent), and has the tables, constraints and message_status
# the design describes.
. "$(dirname "$0")/lib.sh"
t_init schema

out=$T_SCRATCH/tpch
t_check "generate tpch" t_generate "$out"
t_start_postgres || { t_fail "start PostgreSQL"; t_finish; }

t_check "schema applies" t_psql -f "$out/sql/schema.sql"
t_check "schema applies a second time" t_psql -f "$out/sql/schema.sql"

tables=$(t_psql -At -c "SELECT string_agg(table_name, ',' ORDER BY table_name)
                         FROM information_schema.tables WHERE table_schema = 'public'")
[ "$tables" = "customers,message_status,order_line_items,orders,products" ] &&
    t_pass "every persistent entity has a table, plus message_status" ||
    t_fail "every persistent entity has a table, plus message_status" "got: $tables"

cols=$(t_psql -At -c "SELECT string_agg(column_name || ':' || data_type, ',' ORDER BY ordinal_position)
                       FROM information_schema.columns WHERE table_name = 'message_status'")
t_contains "message_status has the design's columns" "$cols" \
    "message_id:uuid,entity_type:text,status:text,attempts:integer,received_at:timestamp with time zone,processed_at:timestamp with time zone,error:text,source:text"

t_check "a unicity violation is refused" bash -c '
. "$NOMNOM_SOURCE_DIR/tests/scripts/lib.sh"
t_psql -c "INSERT INTO \"customers\" (\"customer_key\", \"name\", \"address\", \"nation_key\", \"phone\", \"account_balance\", \"market_segment\") VALUES (1, '\''a'\'', '\''b'\'', 1, '\''p'\'', 1.5, '\''m'\'')" &&
! t_psql -c "INSERT INTO \"customers\" (\"customer_key\", \"name\", \"address\", \"nation_key\", \"phone\", \"account_balance\", \"market_segment\") VALUES (1, '\''a'\'', '\''b'\'', 1, '\''p'\'', 1.5, '\''m'\'')" 2>/dev/null'
t_check "NOT NULL is enforced on required columns" bash -c '
. "$NOMNOM_SOURCE_DIR/tests/scripts/lib.sh"
! t_psql -c "INSERT INTO \"products\" (\"part_key\") VALUES (7)" 2>/dev/null'
t_check "nullable columns accept NULL" t_psql -c \
    "INSERT INTO \"orders\" (\"order_key\", \"customer_key\", \"order_status\", \"total_price\", \"order_date\", \"order_priority\", \"clerk\", \"ship_priority\", \"comment\", \"is_rush\", \"placed_at\") VALUES (1, 2, 'O', 1.5, '1996-01-02', '5-LOW', 'c', 0, NULL, NULL, NULL)"
t_check "message_status refuses an unknown status" bash -c '
. "$NOMNOM_SOURCE_DIR/tests/scripts/lib.sh"
! t_psql -c "INSERT INTO message_status (message_id, entity_type, status, attempts) VALUES (gen_random_uuid(), '\''Order'\'', '\''bogus'\'', 1)" 2>/dev/null'
t_finish
