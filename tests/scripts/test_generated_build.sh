#!/usr/bin/env bash
# test_generated_build.sh - the generated tpch tree builds with -Werror under gcc
# and clang, its own unit tests pass (also under ASan/UBSan), and every binary
# answers --help and --version.
. "$(dirname "$0")/lib.sh"
t_init generated_build

out=$T_SCRATCH/tpch
t_check "generate tpch" t_generate "$out"

for cc in gcc clang; do
    if ! command -v "$cc" >/dev/null; then
        t_fail "$cc is installed"
        continue
    fi
    rm -rf "${out:?}/bin" "${out:?}/build"
    t_check "make with CC=$cc (-Werror)" make -C "$out" -j2 CC="$cc"
    for bin in ingestion-api worker dashboard-backend; do
        t_expect_exit "$cc: $bin --version" 0 "$out/bin/$bin" --version
        t_contains "$cc: $bin --version names it" "$T_OUT" "$bin"
        t_expect_exit "$cc: $bin --help" 0 "$out/bin/$bin" --help
    done
    t_check "make check with CC=$cc" make -C "$out" -j2 CC="$cc" check
done
t_check "make clean" make -C "$out" clean
t_check "make SANITIZE=1 check (ASan + UBSan)" make -C "$out" -j2 SANITIZE=1 check
t_finish
