#!/usr/bin/env bash
# bench/generate.sh - how long `nomnom generate-dashboard` takes: the tpch example
# and a synthetic set of 200 entities with 20 fields each. Prints a table with the
# median, min and max wall time of 5 runs and the peak RSS.
#
#   bench/generate.sh [RUNS]        (default 5; builds build-release/ first)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}

cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-release -j"$(nproc)" >/dev/null
nomnom=$PWD/build-release/nomnom

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 200 root entities of 20 fields, one file each, types cycling through the set.
python3 - "$work/synthetic/entities" <<'PY'
import os, sys
out = sys.argv[1]
os.makedirs(out)
types = ["String", "Integer", "Float", "Boolean", "Date", "DateTime", "Decimal", "Json"]
for e in range(200):
    lines = ["entity:", f"  name: Entity{e:03d}", "  source_type: root", "  fields:"]
    for f in range(20):
        lines += [f"    - name: field_{f:02d}", f"      type: {types[f % len(types)]}"]
        if f % 3 == 2:
            lines.append("      nullable: true")
    lines += ["  persistence:", "    database:", f"      conformant_table: entity_{e:03d}",
              "      unicity_fields: [field_01]"]
    with open(os.path.join(out, f"entity_{e:03d}.yaml"), "w") as fh:
        fh.write("\n".join(lines) + "\n")
PY

# measure NAME ENTITIES OUTDIR: prints one table row.
measure() {
    python3 - "$nomnom" "$2" "$3" "$runs" "$1" <<'PY'
import resource, shutil, statistics, subprocess, sys, time
nomnom, entities, out, runs, name = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
times = []
for _ in range(runs):
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    subprocess.run([nomnom, "generate-dashboard", "--entities", entities, "--output", out],
                   check=True, stdout=subprocess.DEVNULL)
    times.append((time.perf_counter() - t0) * 1000)
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
files = sum(1 for _ in __import__("pathlib").Path(out).rglob("*") if _.is_file())
print(f"| {name:<22} | {statistics.median(times):9.1f} | {min(times):8.1f} | {max(times):8.1f} | {rss:8.1f} | {files:5d} |")
PY
}

echo "nomnom generate-dashboard, $runs runs each, $(nproc) cores, $(date -u +%Y-%m-%d)"
# Creating ~120 files costs most of the tpch time on a disk file system, so the
# same runs are repeated with the output in memory (/dev/shm) to show the
# generator's own cost.
shm=$(mktemp -d /dev/shm/nomnom-bench.XXXXXX)
trap 'rm -rf "$work" "$shm"' EXIT
echo "| input, output on       | median ms |   min ms |   max ms |  RSS MiB | files |"
echo "|------------------------|-----------|----------|----------|----------|-------|"
measure "tpch, disk" config/examples/tpch/entities "$work/out-tpch"
measure "tpch, tmpfs" config/examples/tpch/entities "$shm/out-tpch"
measure "200 x 20 fields, disk" "$work/synthetic/entities" "$work/out-synthetic"
measure "200 x 20 fields, tmpfs" "$work/synthetic/entities" "$shm/out-synthetic"
