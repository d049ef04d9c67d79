# tests/scripts/lib.sh - shared by the shell tests: assertions with a closing
# "N passed, N failed" line, free loopback ports, and real nats-server and
# PostgreSQL instances started in a scratch folder and stopped on exit.
#
# Usage in a test:   . "$(dirname "$0")/lib.sh"; t_init mytest; ...; t_finish
# Environment from ctest: NOMNOM (the binary), NOMNOM_SOURCE_DIR, NOMNOM_BUILD_DIR.

# shellcheck shell=bash
set -u

: "${NOMNOM_SOURCE_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${NOMNOM_BUILD_DIR:=$NOMNOM_SOURCE_DIR/build}"
: "${NOMNOM:=$NOMNOM_BUILD_DIR/nomnom}"
export NOMNOM NOMNOM_SOURCE_DIR NOMNOM_BUILD_DIR

T_NAME="test"
T_PASSED=0
T_FAILED=0
T_SCRATCH=
T_PIDS=()
T_CLEANUPS=()

# t_init NAME: start a test file; makes $T_SCRATCH, cleaned up on exit.
t_init() {
    T_NAME=$1
    T_SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/nomnom-$1.XXXXXX")
    chmod 755 "$T_SCRATCH"
    trap t_cleanup EXIT
    trap 'exit 130' INT TERM
}

t_cleanup() {
    local i
    for ((i = ${#T_CLEANUPS[@]} - 1; i >= 0; i--)); do
        eval "${T_CLEANUPS[$i]}" >/dev/null 2>&1 || true
    done
    for pid in "${T_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${T_PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    if [ -n "$T_SCRATCH" ] && [ -z "${T_KEEP:-}" ]; then
        rm -rf "$T_SCRATCH"
    fi
}

t_pass() {
    T_PASSED=$((T_PASSED + 1))
    printf 'ok   %s\n' "$1"
}

t_fail() {
    T_FAILED=$((T_FAILED + 1))
    printf 'FAIL %s\n' "$1"
    [ $# -gt 1 ] && printf '     %s\n' "${@:2}"
    return 0
}

# t_check DESCRIPTION COMMAND...: passes when COMMAND exits 0.
t_check() {
    local what=$1
    shift
    local out
    if out=$("$@" 2>&1); then
        t_pass "$what"
    else
        t_fail "$what" "command: $*" "$(printf '%s' "$out" | tail -n 20)"
    fi
}

# t_expect_exit DESCRIPTION CODE COMMAND...: passes when COMMAND exits with CODE.
# Its stdout+stderr are kept in $T_OUT for further checks.
t_expect_exit() {
    local what=$1 code=$2
    shift 2
    local rc=0
    T_OUT=$("$@" 2>&1) || rc=$?
    if [ "$rc" -eq "$code" ]; then
        t_pass "$what"
    else
        t_fail "$what" "expected exit $code, got $rc: $*" "$(printf '%s' "$T_OUT" | tail -n 20)"
    fi
}

# t_contains DESCRIPTION HAYSTACK NEEDLE
t_contains() {
    case "$2" in
    *"$3"*) t_pass "$1" ;;
    *) t_fail "$1" "expected to find: $3" "in: $(printf '%s' "$2" | head -c 2000)" ;;
    esac
}

# t_finish: print the closing line and exit with the verdict.
t_finish() {
    printf '%s: %d passed, %d failed\n' "$T_NAME" "$T_PASSED" "$T_FAILED"
    [ "$T_FAILED" -eq 0 ] && [ "$T_PASSED" -gt 0 ]
    exit $?
}

# t_skip REASON: the whole file cannot run here (prints why, exits 0 with no pass).
t_skip() {
    printf '%s: skipped: %s\n' "$T_NAME" "$1"
    exit 0
}

# t_free_port: a TCP port on 127.0.0.1 that nothing listens on right now.
t_free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# t_wait_for SECONDS COMMAND...: poll COMMAND every 0.1 s until it succeeds.
t_wait_for() {
    local deadline=$((SECONDS + $1))
    shift
    while [ "$SECONDS" -lt "$deadline" ]; do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    "$@" >/dev/null 2>&1
}

# t_start_nats: a JetStream nats-server on a free port; sets NATS_URL, NATS_PORT, NATS_PID.
t_start_nats() {
    command -v nats-server >/dev/null || { echo "nats-server is not installed" >&2; return 1; }
    NATS_PORT=${NATS_PORT:-$(t_free_port)}
    mkdir -p "$T_SCRATCH/nats"
    nats-server -a 127.0.0.1 -p "$NATS_PORT" -js -sd "$T_SCRATCH/nats/js" \
        >>"$T_SCRATCH/nats/server.log" 2>&1 &
    NATS_PID=$!
    T_PIDS+=("$NATS_PID")
    export NATS_URL="nats://127.0.0.1:$NATS_PORT"
    t_wait_for 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$NATS_PORT" || {
        cat "$T_SCRATCH/nats/server.log" >&2
        return 1
    }
}

# t_stop_pid PID: TERM, then wait (bounded) until the process is gone; works
# for processes that are not children of this shell too.
t_stop_pid() {
    kill "$1" 2>/dev/null || return 0
    local i
    for i in $(seq 1 100); do
        kill -0 "$1" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$1" 2>/dev/null
    wait "$1" 2>/dev/null
    return 0
}

# t_stop_nats / t_restart_nats: for fault tests (same port, same storage).
# Call them directly, not through t_check: they set NATS_PID in this shell.
t_stop_nats() {
    t_stop_pid "$NATS_PID"
}
t_restart_nats() {
    t_stop_nats
    t_start_nats
}

# PostgreSQL binaries of the newest installed major version.
t_pg_bindir() {
    local dir
    # shellcheck disable=SC2012 # version-sorted folder names, no odd characters
    dir=$(printf "%s\n" /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    [ -d "$dir" ] || return 1
    [ -n "$dir" ] && printf '%s\n' "$dir"
}

# Run a PostgreSQL server program as the owner of the data folder (not root).
t_pg_as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# t_start_postgres: a PostgreSQL cluster on a free port; sets DATABASE_URL, PG_PORT, PGDATA_DIR.
t_start_postgres() {
    local bindir
    bindir=$(t_pg_bindir) || { echo "PostgreSQL server is not installed" >&2; return 1; }
    PG_BIN=$bindir
    PG_PORT=${PG_PORT:-$(t_free_port)}
    PGDATA_DIR=$T_SCRATCH/pg/data
    mkdir -p "$T_SCRATCH/pg"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$T_SCRATCH/pg"
    if [ ! -d "$PGDATA_DIR" ]; then
        t_pg_as_owner "$bindir/initdb" -D "$PGDATA_DIR" -U nomnom --auth=trust -E UTF8 \
            --no-sync >"$T_SCRATCH/pg/initdb.log" 2>&1 || {
            cat "$T_SCRATCH/pg/initdb.log" >&2
            return 1
        }
    fi
    t_pg_start
    T_CLEANUPS+=("t_stop_postgres")
    export DATABASE_URL="postgresql://nomnom@127.0.0.1:$PG_PORT/postgres"
}

t_pg_start() {
    t_pg_as_owner "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -w -t 30 -l "$T_SCRATCH/pg/server.log" \
        -o "-p $PG_PORT -k $T_SCRATCH/pg -c listen_addresses=127.0.0.1 -c fsync=off" \
        start >/dev/null || {
        cat "$T_SCRATCH/pg/server.log" >&2
        return 1
    }
}

t_stop_postgres() {
    t_pg_as_owner "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w stop >/dev/null 2>&1
    return 0
}

t_restart_postgres() {
    t_stop_postgres
    t_pg_start
}

# t_psql ARGS...: psql against $DATABASE_URL, stopping at the first error.
t_psql() {
    psql "$DATABASE_URL" -X -q -v ON_ERROR_STOP=1 "$@"
}

# t_generate OUT [ENTITIES]: generate a tree with the nomnom under test.
t_generate() {
    "$NOMNOM" generate-dashboard --entities "${2:-$NOMNOM_SOURCE_DIR/config/examples/tpch/entities}" \
        --output "$1" >/dev/null
}
