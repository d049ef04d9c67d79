#!/usr/bin/env bash
# test_lint.sh - the static checks stay quiet: clang-format (the committed
# .clang-format), cppcheck and clang-tidy (.clang-tidy) over nomnom's sources
# and over the C of a generated tpch tree.
. "$(dirname "$0")/lib.sh"
t_init lint
cd "$NOMNOM_SOURCE_DIR" || exit 1

for tool in clang-format cppcheck clang-tidy; do
    command -v "$tool" >/dev/null || { t_fail "$tool is installed"; t_finish; }
done

mapfile -t own < <(ls src/*/*.c src/*/*.h tests/unit/*.c)
t_check "clang-format: nomnom sources are formatted" clang-format --dry-run -Werror "${own[@]}"
t_check "cppcheck: nomnom sources" cppcheck --quiet --error-exitcode=1 --inline-suppr \
    --enable=warning,style,performance,portability --suppress=missingIncludeSystem -Isrc src
if [ -f "$NOMNOM_BUILD_DIR/compile_commands.json" ]; then
    t_check "clang-tidy: nomnom sources" clang-tidy -p "$NOMNOM_BUILD_DIR" --quiet src/*/*.c
else
    t_fail "clang-tidy: $NOMNOM_BUILD_DIR/compile_commands.json exists"
fi

out=$T_SCRATCH/tpch
t_check "generate tpch" t_generate "$out"
mapfile -t gen < <(cd "$out" && ls common/*.c common/*.h ingestion-api/*.[ch] worker/*.[ch] \
    dashboard-backend/*.[ch] tests/*.[ch] 2>/dev/null)
t_check "clang-format: generated C is formatted" bash -c 'cd "$1" && shift && clang-format --style=file:"$0" --dry-run -Werror "$@"' \
    "$NOMNOM_SOURCE_DIR/.clang-format" "$out" "${gen[@]}"
t_check "cppcheck: generated C" cppcheck --quiet --error-exitcode=1 --inline-suppr \
    --enable=warning,style,performance,portability --suppress=missingIncludeSystem -I"$out" \
    "$out/common" "$out/ingestion-api" "$out/worker" "$out/dashboard-backend"
read -r -a pkg_flags <<<"$(pkg-config --cflags jansson libmicrohttpd libnats libpq libwebsockets uuid)"
mapfile -t gen_c < <(cd "$out" && ls common/*.c ingestion-api/*.c worker/*.c dashboard-backend/*.c)
t_check "clang-tidy: generated C" bash -c 'cd "$1" && shift && clang-tidy --config-file="$0" --quiet "$@"' \
    "$NOMNOM_SOURCE_DIR/.clang-tidy" "$out" "${gen_c[@]}" -- -std=c11 -D_POSIX_C_SOURCE=200809L -I. "${pkg_flags[@]}"
t_finish
