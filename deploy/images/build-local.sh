#!/usr/bin/env bash
# deploy/images/build-local.sh - build the four images of a generated tree for
# real, without Docker and without a container registry, and prove that each
# runtime stage has its libraries.
#
#   deploy/images/build-local.sh [TREE]     (as root)
#   deploy/images/build-local.sh --help
#
# 1. debian:bookworm-slim is made locally: debootstrap --variant=minbase from
#    Debian's mirror, trimmed like the official slim image (no docs, man pages
#    or locales), imported into buildah's store as
#    docker.io/library/debian:bookworm-slim. It is made once and reused.
# 2. Each Dockerfile of the tree (TREE, default: the tpch example generated
#    into build/images/tree) is built with Debian's buildah:
#    buildah bud --isolation chroot --storage-driver vfs --format docker --layers --force-rm --pull-never
#    (docker format: OCI images cannot carry HEALTHCHECK)
# 3. Each image is checked from the inside (buildah run): the service binary
#    runs (--version) as the image's non-root user, ldd finds every library,
#    nomnom-probe works; the frontend's nginx configuration passes nginx -t,
#    and nginx serves the bundle, /health, and proxies /api/ and the /ws
#    WebSocket upgrade to a stand-in backend.
#
# Prints a table of timings at the end. Installs buildah and debootstrap with
# apt-get when they are missing. Settings (environment):
#   NOMNOM_IMAGES_DIR  work folder (build/images): rootfs, logs, timings
#   DEBIAN_MIRROR      mirror for debootstrap (http://deb.debian.org/debian)
#   STORAGE_ROOT       buildah storage (buildah's default, /var/lib/containers/storage)
#   KEEP=1             keep the built images, their layer cache and the containers
#   REBUILD_BASE=1     make the base image again
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=${NOMNOM_IMAGES_DIR:-$ROOT/build/images}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
BASE=docker.io/library/debian:bookworm-slim

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
}
case ${1:-} in
    -h | --help)
        usage
        exit 0
        ;;
esac

die() {
    printf 'build-local.sh: %s\n' "$*" >&2
    exit 1
}
say() { printf '\n==> %s\n' "$*" >&2; }

[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap and buildah's chroot isolation need it)"

storage=(--storage-driver vfs)
[ -n "${STORAGE_ROOT:-}" ] && storage+=(--root "$STORAGE_ROOT")
bh() { buildah "${storage[@]}" "$@"; }

TIMINGS=()
# timed LABEL COMMAND...: run COMMAND, output to $WORK/logs/LABEL.log, record its seconds
timed() {
    local label=$1 start rc=0
    shift
    start=$(date +%s.%N)
    local log="$WORK/logs/${label//[^A-Za-z0-9.-]/_}.log"
    "$@" >"$log" 2>&1 || rc=$?
    local secs
    secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    TIMINGS+=("$(printf '%-34s %8ss  %s' "$label" "$secs" "$([ $rc -eq 0 ] && echo ok || echo FAILED)")")
    if [ $rc -ne 0 ]; then
        tail -n 40 "$log" >&2
        print_timings
        die "$label failed (exit $rc), log: $log"
    fi
}

print_timings() {
    printf '\n%-34s %9s\n' "step" "time"
    printf '%s\n' "${TIMINGS[@]}"
}

install_tools() {
    local missing=() tool
    for tool in buildah debootstrap; do
        command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# The base image, as the official debian:bookworm-slim is made: minbase, with
# dpkg told to skip documentation and translations, apt told to keep no cache.
make_rootfs() {
    local rootfs=$1
    rm -rf "$rootfs"
    debootstrap --variant=minbase bookworm "$rootfs" "$DEBIAN_MIRROR"
    cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/man/*
EOF
    cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
    printf 'Acquire::Languages "none";\n' >"$rootfs/etc/apt/apt.conf.d/docker-no-languages"
    printf 'APT::Install-Recommends "false";\n' >"$rootfs/etc/apt/apt.conf.d/docker-no-recommends"
    rm -f "$rootfs/etc/apt/sources.list"
    cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $DEBIAN_MIRROR
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${DEBIAN_MIRROR%/debian}/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
    find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
    rm -rf "$rootfs"/usr/share/{man,info,locale,groff,lintian,linda}/* \
        "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
        "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/*.log "$rootfs"/var/log/apt/* \
        "$rootfs"/tmp/* "$rootfs"/var/tmp/*
    : >"$rootfs/etc/machine-id"
}

import_rootfs() {
    local rootfs=$1 ctr mnt
    ctr=$(bh from scratch)
    mnt=$(bh mount "$ctr")
    tar -C "$rootfs" -cf - . | tar -C "$mnt" -xf -
    bh umount "$ctr" >/dev/null
    bh config --cmd /bin/bash --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        --os linux --arch amd64 --label org.opencontainers.image.description="debian:bookworm-slim, made locally with debootstrap" \
        "$ctr"
    bh commit --rm "$ctr" "$BASE"
}

make_tree() {
    local nomnom=$ROOT/build/nomnom
    if [ ! -x "$nomnom" ]; then
        cmake -S "$ROOT" -B "$ROOT/build"
        cmake --build "$ROOT/build" -j"$(nproc 2>/dev/null || echo 2)" --target nomnom
    fi
    "$nomnom" generate-dashboard --entities "$ROOT/config/examples/tpch/entities" --output "$TREE"
}

build_image() {
    local dockerfile=$1 image=$2
    bh bud --isolation chroot --format docker --layers --force-rm --pull-never -f "$TREE/$dockerfile" -t "$image" "$TREE"
}

CONTAINERS=()
container_of() {
    local ctr
    ctr=$(bh from --pull-never "$1")
    CONTAINERS+=("$ctr")
    echo "$ctr"
}

# check_healthcheck IMAGE: the HEALTHCHECK made it into the image's configuration
check_healthcheck() {
    local hc
    hc=$(bh inspect --format '{{if .Docker.Config.Healthcheck}}{{.Docker.Config.Healthcheck.Test}}{{end}}' "$1")
    echo "HEALTHCHECK $hc"
    [ -n "$hc" ] || die "$1: no HEALTHCHECK in the image"
}

# check_c_image IMAGE SERVICE: the binary runs as the image's user; ldd finds everything
check_c_image() {
    local image=$1 service=$2 ctr user
    ctr=$(container_of "$image")
    user=$(bh inspect --format '{{.OCIv1.Config.User}}' "$image")
    echo "USER $user"
    [ "${user%%:*}" = 10001 ] || die "$image: USER is '$user', expected 10001"
    check_healthcheck "$image"
    bh run --isolation chroot "$ctr" -- id
    bh run --isolation chroot "$ctr" -- sh -c "! ldd /app/bin/$service | grep -F 'not found'"
    bh run --isolation chroot "$ctr" -- "/app/bin/$service" --version
    bh run --isolation chroot "$ctr" -- nomnom-probe wait -t 1 127.0.0.1:1 && die "probe: closed port passed"
    bh run --isolation chroot "$ctr" -- sh -c 'command -v curl wget && exit 1 || true'
    if [ "$service" = worker ]; then
        bh run --isolation chroot "$ctr" -- test -s /app/sql/schema.sql
    fi
    if [ "$service" = dashboard-backend ]; then
        bh run --isolation chroot "$ctr" -- test -s /app/dashboard-frontend/dist/index.html
    fi
}

# A stand-in dashboard backend on 127.0.0.1:$1: /api/* answers JSON, /ws answers
# 101 when the Upgrade and Connection headers made it through nginx.
start_fake_backend() {
    python3 - "$1" <<'EOF' &
import http.server, json, sys
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_GET(self):
        if self.path.startswith("/ws"):
            up = self.headers.get("Upgrade", "")
            conn = self.headers.get("Connection", "")
            if up.lower() == "websocket" and "upgrade" in conn.lower():
                self.send_response(101)
                self.send_header("Upgrade", "websocket")
                self.send_header("Connection", "Upgrade")
                self.send_header("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
                self.end_headers()
                return
            body = b'{"error":"no upgrade headers"}'
            self.send_response(400)
        else:
            body = json.dumps({"path": self.path, "entities": {"Order": 1}}).encode()
            self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
EOF
    FAKE_BACKEND_PID=$!
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# check_frontend IMAGE: nginx -t; then nginx for real (chroot isolation shares
# the host's network) in front of the stand-in backend.
check_frontend() {
    local image=$1 ctr user port backend pid i ok=0
    ctr=$(container_of "$image")
    user=$(bh inspect --format '{{.OCIv1.Config.User}}' "$image")
    echo "USER $user"
    [ "${user%%:*}" = 10001 ] || die "$image: USER is '$user', expected 10001"
    check_healthcheck "$image"
    bh run --isolation chroot "$ctr" -- nginx -v
    port=$(free_port)
    backend=$(free_port)
    bh run --isolation chroot --env "PORT=$port" --env "BACKEND_URL=http://127.0.0.1:$backend" "$ctr" -- \
        nomnom-frontend-entrypoint -t
    start_fake_backend "$backend"
    # nginx runs until /tmp/stop appears in the container, then stops gracefully
    # shellcheck disable=SC2016 # expanded by the container's shell
    bh run --isolation chroot --env "PORT=$port" --env "BACKEND_URL=http://127.0.0.1:$backend" "$ctr" -- \
        sh -c 'rm -f /tmp/stop; nomnom-frontend-entrypoint & p=$!
               n=0; while [ ! -e /tmp/stop ] && [ $n -lt 600 ]; do sleep 0.1; n=$((n + 1)); done
               kill -QUIT $p; wait $p' &
    pid=$!
    for i in $(seq 1 50); do
        if curl -fsS -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null; then
            ok=1
            break
        fi
        sleep 0.2
    done
    local result=0
    if [ $ok -eq 1 ]; then
        echo "nginx answers on :$port after $i tries"
        curl -fsS "http://127.0.0.1:$port/health" || result=1
        curl -fsS "http://127.0.0.1:$port/" | grep -qi '<html' || { echo "index.html not served"; result=1; }
        curl -fsS "http://127.0.0.1:$port/some/client/route" | grep -qi '<html' || { echo "no SPA fallback"; result=1; }
        curl -fsS "http://127.0.0.1:$port/api/stats" | grep -q '"/api/stats"' || { echo "/api/ not proxied"; result=1; }
        local code
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 \
            -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' \
            -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' "http://127.0.0.1:$port/ws" || true)
        echo "/ws upgrade through nginx: $code"
        [ "$code" = 101 ] || result=1
        bh run --isolation chroot --env "PORT=$port" "$ctr" -- nomnom-probe http "$port" /health || result=1
        # nginx runs as the image's user, never as root
        ps -o user=,args= -C nginx || true
        if pgrep -u 0 -x nginx >/dev/null; then
            echo "an nginx process runs as root"
            result=1
        fi
    else
        echo "nginx did not answer on :$port"
        result=1
    fi
    kill "$FAKE_BACKEND_PID" 2>/dev/null || true
    wait "$FAKE_BACKEND_PID" 2>/dev/null || true
    bh run --isolation chroot "$ctr" -- touch /tmp/stop || true
    wait "$pid" || true
    return $result
}

cleanup() {
    local c
    for c in "${CONTAINERS[@]}"; do
        bh rm "$c" >/dev/null 2>&1 || true
    done
}

main() {
    mkdir -p "$WORK/logs"
    trap cleanup EXIT
    install_tools
    if ! command -v python3 >/dev/null || ! command -v curl >/dev/null; then
        die "needs python3 and curl"
    fi
    buildah --version

    if [ -n "${REBUILD_BASE:-}" ] || ! bh inspect --type image "$BASE" >/dev/null 2>&1; then
        say "making $BASE with debootstrap ($DEBIAN_MIRROR)"
        timed "base: debootstrap minbase" make_rootfs "$WORK/rootfs"
        bh rmi -f "$BASE" >/dev/null 2>&1 || true
        timed "base: import into buildah" import_rootfs "$WORK/rootfs"
        rm -rf "$WORK/rootfs"
    else
        say "reusing $BASE"
    fi

    if [ -n "${1:-}" ]; then
        TREE=$(cd "$1" && pwd)
    else
        TREE=$WORK/tree
        say "generating the tpch tree into $TREE"
        timed "generate tpch tree" make_tree
    fi
    local project
    project=$(basename "$(dirname "$(ls "$TREE"/helm/*/Chart.yaml)")")

    local spec dockerfile service image
    for spec in ingestion-api:ingestion-api worker:worker backend:dashboard-backend frontend:dashboard-frontend; do
        dockerfile=Dockerfile.${spec%%:*}
        service=${spec#*:}
        image=localhost/$project-$service:local
        say "building $image from $dockerfile"
        timed "build $service" build_image "$dockerfile" "$image"
        say "checking $image"
        if [ "$service" = dashboard-frontend ]; then
            timed "check $service (nginx)" check_frontend "$image"
        else
            timed "check $service" check_c_image "$image" "$service"
        fi
        sed 's/^/    /' "$WORK/logs/check_${service}"*.log >&2
    done

    say "images"
    bh images --format '{{.Name}}:{{.Tag}}  {{.Size}}' | grep -E "/$project-|debian" >&2 || true
    if [ -z "${KEEP:-}" ]; then
        # vfs stores every layer as a full copy: drop the images and their
        # build cache (GBs), keep the base image
        cleanup
        CONTAINERS=()
        for spec in ingestion-api worker dashboard-backend dashboard-frontend; do
            bh rmi -f "localhost/$project-$spec:local" >/dev/null 2>&1 || true
        done
        bh rmi --prune >/dev/null 2>&1 || true
    fi
    print_timings
    printf '%s\n' "${TIMINGS[@]}" >"$WORK/timings.txt"
}

main "$@"
