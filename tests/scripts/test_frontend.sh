#!/usr/bin/env bash
# test_frontend.sh - the dashboard bundle: its unit tests (Vitest) pass, and
# rebuilding it from source (npm ci && npm run build, in a scratch copy) gives
# exactly the dist/ that ships in templates/, so the shipped bundle is never stale.
. "$(dirname "$0")/lib.sh"
t_init frontend

src=$NOMNOM_SOURCE_DIR/templates/dashboard-frontend
work=$T_SCRATCH/dashboard-frontend
command -v npm >/dev/null || { t_fail "npm is installed"; t_finish; }

# a copy of the source without node_modules and dist: the build must not lean on either
mkdir -p "$work"
(cd "$src" && tar --exclude=./node_modules --exclude=./dist -cf - .) | (cd "$work" && tar -xf -)
mkdir -p "$work/dist"
cp "$src"/dist/*.mustache "$work/dist/" 2>/dev/null

t_check "npm ci" bash -c 'cd "$1" && npm ci --no-audit --no-fund --loglevel=error' _ "$work"
T_OUT=$(cd "$work" && NO_COLOR=1 npm test 2>&1)
rc=$?
printf '%s\n' "$T_OUT" | grep -E "Test Files|Tests " | sed 's/^ */     /'
[ $rc -eq 0 ] && t_pass "vitest: the data hook and components" || t_fail "vitest" "$(printf '%s' "$T_OUT" | tail -n 30)"
t_check "npm run build" bash -c 'cd "$1" && npm run build' _ "$work"
if diff -r "$src/dist" "$work/dist" >"$T_SCRATCH/dist.diff" 2>&1; then
    t_pass "the shipped dist/ is what the source builds to"
else
    t_fail "the shipped dist/ is what the source builds to (rebuild: cd templates/dashboard-frontend && npm ci && npm run build)" \
        "$(head -n 20 "$T_SCRATCH/dist.diff")"
fi
t_finish
