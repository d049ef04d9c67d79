#!/usr/bin/env bash
# tests/run.sh - runs every test: installs what is missing, builds nomnom twice
# (plain, and with AddressSanitizer + UndefinedBehaviorSanitizer) and runs the
# whole ctest suite against each build. Real nats-server and PostgreSQL
# instances are started by the tests themselves on free loopback ports.
set -euo pipefail
cd "$(dirname "$0")/.."

deploy/local/install-deps.sh --tests

jobs=$(nproc 2>/dev/null || echo 2)
status=0
for variant in plain asan; do
    dir=build
    flags=()
    skip=()
    if [ "$variant" = asan ]; then
        dir=build-asan
        flags=(-DNOMNOM_SANITIZE=ON)
        skip=(-E 'lint|deploy|frontend') # static, chart and bundle checks do not depend on the build
    fi
    echo "== $variant build ($dir)"
    cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "${flags[@]}" >/dev/null
    cmake --build "$dir" -j"$jobs"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
        ctest --test-dir "$dir" --output-on-failure -j"$jobs" "${skip[@]}" || status=1
done
exit $status
