#!/usr/bin/env bash
# deploy/local/install-deps.sh - installs the Debian 12 packages nomnom, the
# generated services and the tests need. Idempotent: installs only what is
# missing, so it is cheap to call before every build.
set -euo pipefail

packages=(
    # building nomnom
    build-essential cmake pkg-config libyaml-dev libjansson-dev
    # building the generated services
    clang libmicrohttpd-dev libnats-dev libpq-dev libwebsockets-dev uuid-dev
    # running the stack and the tests against the real thing
    nats-server postgresql postgresql-client python3 python3-yaml curl wrk
    # quality gates
    clang-format clang-tidy cppcheck shellcheck
)

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
