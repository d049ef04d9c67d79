#!/bin/sh
# Entrypoint of the dashboard-frontend image: fill the nginx configuration in
# from the environment, then run nginx in the foreground (as the image's user).
# With -t it only tests the configuration (nginx -t) and exits.
#   PORT                    listening port (8081)
#   BACKEND_URL             the dashboard backend, http://host:port (no path)
#   NGINX_WORKER_PROCESSES  nginx worker processes (2; "auto" = one per CPU)
#   NGINX_RUN_DIR           where the configuration, pid and temp files go
#                           (/tmp/nginx), so / may be read-only
set -eu

PORT=${PORT:-8081}
BACKEND_URL=${BACKEND_URL:-http://dashboard-backend:3000}
BACKEND_URL=${BACKEND_URL%/}
NGINX_WORKER_PROCESSES=${NGINX_WORKER_PROCESSES:-2}

case $PORT in
    '' | *[!0-9]*)
        echo "frontend: PORT must be a number, not '$PORT'" >&2
        exit 2
        ;;
esac
case $BACKEND_URL in
    http://?* | https://?*) ;;
    *)
        echo "frontend: BACKEND_URL must look like http://host:port, not '$BACKEND_URL'" >&2
        exit 2
        ;;
esac
case ${BACKEND_URL#*://} in
    */*)
        echo "frontend: BACKEND_URL must not have a path: '$BACKEND_URL'" >&2
        exit 2
        ;;
esac
export PORT BACKEND_URL NGINX_WORKER_PROCESSES

NGINX_RUN_DIR=${NGINX_RUN_DIR:-/tmp/nginx}
export NGINX_RUN_DIR
mkdir -p "$NGINX_RUN_DIR"

# The access log goes to standard output. nginx opens it by name, which an
# unprivileged process may not be allowed to do (a runtime that does not hand
# the stdio pipes to the container's user); then a FIFO relayed by cat, which
# inherits the descriptor, carries it instead.
if [ "${1:-}" = -t ]; then
    ACCESS_LOG=off
elif [ -w /dev/stdout ]; then
    ACCESS_LOG=/dev/stdout
else
    ACCESS_LOG=$NGINX_RUN_DIR/access.log
    rm -f "$ACCESS_LOG"
    mkfifo -m 600 "$ACCESS_LOG"
    cat "$ACCESS_LOG" &
fi
export ACCESS_LOG
# Only these variables are substituted: nginx's own $variables stay as they are.
# shellcheck disable=SC2016 # envsubst takes the names literally
envsubst '${PORT} ${BACKEND_URL} ${NGINX_WORKER_PROCESSES} ${NGINX_RUN_DIR} ${ACCESS_LOG}' \
    <"${NGINX_TEMPLATE:-/etc/nomnom/nginx.conf.template}" >"$NGINX_RUN_DIR/nginx.conf"
echo "frontend: serving on :$PORT, proxying /api/ and /ws to $BACKEND_URL" >&2
if [ "${1:-}" = -t ]; then
    exec nginx -t -e stderr -c "$NGINX_RUN_DIR/nginx.conf"
fi
exec nginx -e stderr -c "$NGINX_RUN_DIR/nginx.conf" -g 'daemon off;'
