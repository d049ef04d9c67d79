#!/usr/bin/env bash
# deploy/local/install-deps.sh - installs the Debian 12 packages nomnom and
# the generated services need; with --tests also what the tests need (Chromium,
# python3-websockets, Node.js + npm). Idempotent: installs only what is
# missing, so it is cheap to call before every build.
set -euo pipefail

packages=(
    # building nomnom
    build-essential cmake pkg-config libyaml-dev libjansson-dev
    # building the generated services
    clang libmicrohttpd-dev libnats-dev libpq-dev libwebsockets-dev uuid-dev
    # running the stack and the tests against the real thing
    nats-server postgresql postgresql-client python3 python3-yaml curl wrk bc
    # quality gates
    clang-format clang-tidy cppcheck shellcheck
)
if [ "${1:-}" = --tests ]; then
    packages+=(chromium python3-websockets unzip)
    # Node.js may come from elsewhere than Debian (it does on the CI image); only
    # install Debian's when there is none.
    command -v npm >/dev/null || packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
echo "installing: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
