#!/usr/bin/env bash
# test_cli.sh - the command line: help, version, exit codes, refused options.
. "$(dirname "$0")/lib.sh"
t_init cli

tpch=$NOMNOM_SOURCE_DIR/config/examples/tpch/entities

t_expect_exit "--help exits 0" 0 "$NOMNOM" --help
t_contains "--help lists generate-dashboard" "$T_OUT" "generate-dashboard"
t_expect_exit "--version exits 0" 0 "$NOMNOM" --version
t_contains "--version names the version" "$T_OUT" "nomnom 0."
t_expect_exit "no command is a usage error" 2 "$NOMNOM"
t_expect_exit "unknown command is a usage error" 2 "$NOMNOM" frobnicate
t_contains "unknown command is named" "$T_OUT" "unknown command 'frobnicate'"

for cmd in generate-dashboard validate model render; do
    t_expect_exit "$cmd --help exits 0" 0 "$NOMNOM" "$cmd" --help
    t_contains "$cmd --help shows its usage" "$T_OUT" "Usage: nomnom $cmd"
    t_expect_exit "$cmd rejects an unknown option" 2 "$NOMNOM" "$cmd" --bogus
done

t_expect_exit "generate needs --entities" 2 "$NOMNOM" generate-dashboard --output "$T_SCRATCH/o"
t_expect_exit "generate needs --output" 2 "$NOMNOM" generate-dashboard --entities "$tpch"
t_expect_exit "--backend axum is refused" 2 \
    "$NOMNOM" generate-dashboard --entities "$tpch" --output "$T_SCRATCH/o" --backend axum
t_contains "the refusal says what is supported" "$T_OUT" "supported is c"
t_expect_exit "--database mysql is refused" 2 \
    "$NOMNOM" generate-dashboard --entities "$tpch" --output "$T_SCRATCH/o" --database mysql
t_contains "the refusal names postgresql" "$T_OUT" "supported is postgresql"
[ -e "$T_SCRATCH/o" ] && t_fail "refused runs write nothing" || t_pass "refused runs write nothing"
t_expect_exit "--option=value form works" 0 \
    "$NOMNOM" generate-dashboard --entities="$tpch" --output="$T_SCRATCH/eq" --backend=c

t_expect_exit "validate accepts tpch" 0 "$NOMNOM" validate --entities "$tpch"
t_contains "validate lists the entities" "$T_OUT" "OrderLineItem (derived)"
t_expect_exit "validate of a missing folder fails with 1" 1 "$NOMNOM" validate --entities "$T_SCRATCH/none"

t_expect_exit "model prints JSON" 0 "$NOMNOM" model --entities "$tpch"
printf '%s' "$T_OUT" >"$T_SCRATCH/model.json"
t_check "model output parses as JSON with 4 entities" python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))
assert [e["name"] for e in m["entities"]] == ["Customer", "Order", "OrderLineItem", "Product"], m["entities"]
assert m["project"]["name"] == "tpch"
' "$T_SCRATCH/model.json"

# render: one template, data from a file, partials from a folder, escaping on request
mkdir -p "$T_SCRATCH/r/partials"
printf 'Hello {{name}}{{>tail}}' >"$T_SCRATCH/r/t.mustache"
printf '!{{#items}} {{.}}{{/items}}\n' >"$T_SCRATCH/r/partials/tail.mustache"
printf '{"name": "<b>&", "items": [1, 2.5, true]}' >"$T_SCRATCH/r/data.json"
t_expect_exit "render exits 0" 0 "$NOMNOM" render "$T_SCRATCH/r/t.mustache" \
    --data "$T_SCRATCH/r/data.json" --partials "$T_SCRATCH/r/partials"
[ "$T_OUT" = "Hello <b>&! 1 2.5 true" ] && t_pass "render writes values raw" ||
    t_fail "render writes values raw" "got: $T_OUT"
T_OUT=$("$NOMNOM" render "$T_SCRATCH/r/t.mustache" --data "$T_SCRATCH/r/data.json" --escape html)
[ "$T_OUT" = "Hello &lt;b&gt;&amp;" ] && t_pass "render --escape html escapes" ||
    t_fail "render --escape html escapes" "got: $T_OUT"
t_expect_exit "render --escape xml is a usage error" 2 "$NOMNOM" render "$T_SCRATCH/r/t.mustache" \
    --data "$T_SCRATCH/r/data.json" --escape xml
printf '{"name": ' >"$T_SCRATCH/r/bad.json"
t_expect_exit "render with broken JSON data fails with 1" 1 "$NOMNOM" render "$T_SCRATCH/r/t.mustache" \
    --data "$T_SCRATCH/r/bad.json"
t_contains "the JSON error names file:line:column" "$T_OUT" "bad.json:1:"
printf '{{#open}}never closed' >"$T_SCRATCH/r/broken.mustache"
t_expect_exit "render of a broken template fails with 1" 1 "$NOMNOM" render "$T_SCRATCH/r/broken.mustache" \
    --data "$T_SCRATCH/r/data.json"
t_contains "the template error names the template" "$T_OUT" "broken.mustache:1:"

t_finish
