#!/usr/bin/env bash
# deploy/kind/kind.sh - run a generated nomnom stack in a local kind cluster.
#
#   deploy/kind/kind.sh          create (or reuse) the cluster and its registry,
#                                generate the tree, build and push the four
#                                images, helm upgrade --install, wait for every
#                                pod, port-forward, and send one order through
#   deploy/kind/kind.sh --down   remove the port-forwards, the release, the
#                                cluster and the registry
#   deploy/kind/kind.sh --help
#
# Needs docker (a running engine), kind, kubectl, helm, curl and python3; and
# cmake, make and a C compiler when build/nomnom is not built yet.
#
# Settings (environment):
#   KIND_CLUSTER   cluster name                        (nomnom)
#   REGISTRY_NAME  local registry container            (kind-registry)
#   REGISTRY_PORT  its port on 127.0.0.1               (5001)
#   NAMESPACE      Kubernetes namespace                (nomnom)
#   RELEASE        Helm release name                   (tpch)
#   ENTITIES       entity folder                       (config/examples/tpch/entities)
#   EXAMPLE        JSON document POSTed at the end     (config/examples/tpch/order.example.json)
#   EXAMPLE_ENTITY the entity it is POSTed to          (Order)
#   OUT            where the tree is generated         (build/kind/tree)
#   IMAGE_TAG      tag of the four images              (dev-<UTC time>)
#   INGEST_PORT    local port of the ingestion API     (8080)
#   DASHBOARD_PORT local port of the dashboard         (8081)
#   HELM_ARGS      extra arguments for helm upgrade, e.g. "--set nats.replicas=3"
#   NOMNOM         the nomnom binary (build/nomnom, built with cmake when missing)
#   KIND_STATE_DIR port-forward pids and logs           (build/kind/state)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KIND_CLUSTER=${KIND_CLUSTER:-nomnom}
REGISTRY_NAME=${REGISTRY_NAME:-kind-registry}
REGISTRY_PORT=${REGISTRY_PORT:-5001}
NAMESPACE=${NAMESPACE:-nomnom}
RELEASE=${RELEASE:-tpch}
ENTITIES=${ENTITIES:-$ROOT/config/examples/tpch/entities}
EXAMPLE=${EXAMPLE:-$ROOT/config/examples/tpch/order.example.json}
EXAMPLE_ENTITY=${EXAMPLE_ENTITY:-Order}
OUT=${OUT:-$ROOT/build/kind/tree}
IMAGE_TAG=${IMAGE_TAG:-dev-$(date -u +%Y%m%d%H%M%S)}
INGEST_PORT=${INGEST_PORT:-8080}
DASHBOARD_PORT=${DASHBOARD_PORT:-8081}
HELM_ARGS=${HELM_ARGS:-}
STATE=${KIND_STATE_DIR:-$ROOT/build/kind/state}
NOMNOM=${NOMNOM:-$ROOT/build/nomnom}
CONTEXT=kind-$KIND_CLUSTER
REGISTRY=localhost:$REGISTRY_PORT

say() { printf '\n==> %s\n' "$*" >&2; }
die() {
    printf 'kind.sh: %s\n' "$*" >&2
    exit 1
}
usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
}

need() {
    local tool missing=()
    for tool in "$@"; do
        command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
    done
    [ ${#missing[@]} -eq 0 ] || die "missing tools: ${missing[*]}"
}

k() { kubectl --context "$CONTEXT" "$@"; }

# ---------------------------------------------------------------- down ----

stop_port_forwards() {
    local f pid
    for f in "$STATE"/port-forward-*.pid; do
        [ -e "$f" ] || continue
        pid=$(cat "$f")
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
        fi
        rm -f "$f"
    done
}

down() {
    need docker kind
    say "stopping port-forwards"
    stop_port_forwards
    if kind get clusters 2>/dev/null | grep -qx "$KIND_CLUSTER"; then
        if command -v helm >/dev/null 2>&1; then
            say "uninstalling release $RELEASE"
            helm --kube-context "$CONTEXT" -n "$NAMESPACE" uninstall "$RELEASE" --wait 2>/dev/null || true
        fi
        say "deleting kind cluster $KIND_CLUSTER"
        kind delete cluster --name "$KIND_CLUSTER"
    fi
    if [ -n "$(docker ps -aq -f "name=^${REGISTRY_NAME}\$")" ]; then
        say "removing registry $REGISTRY_NAME"
        docker rm -f "$REGISTRY_NAME" >/dev/null
    fi
    rm -rf "$STATE"
    say "everything removed"
}

# ------------------------------------------------------------------ up ----

start_registry() {
    if [ "$(docker inspect -f '{{.State.Running}}' "$REGISTRY_NAME" 2>/dev/null || true)" != true ]; then
        say "starting registry $REGISTRY_NAME on 127.0.0.1:$REGISTRY_PORT"
        docker rm -f "$REGISTRY_NAME" >/dev/null 2>&1 || true
        docker run -d --restart=always -p "127.0.0.1:$REGISTRY_PORT:5000" --network bridge \
            --name "$REGISTRY_NAME" registry:2 >/dev/null
    else
        say "reusing registry $REGISTRY_NAME"
    fi
}

create_cluster() {
    if kind get clusters 2>/dev/null | grep -qx "$KIND_CLUSTER"; then
        say "reusing kind cluster $KIND_CLUSTER"
    else
        say "creating kind cluster $KIND_CLUSTER"
        # containerd reads registry mirrors from /etc/containerd/certs.d
        kind create cluster --name "$KIND_CLUSTER" --wait 120s --config - <<'EOF'
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
containerdConfigPatches:
  - |-
    [plugins."io.containerd.grpc.v1.cri".registry]
      config_path = "/etc/containerd/certs.d"
EOF
    fi
    # every node resolves localhost:REGISTRY_PORT to the registry container
    local node dir="/etc/containerd/certs.d/localhost:$REGISTRY_PORT"
    for node in $(kind get nodes --name "$KIND_CLUSTER"); do
        docker exec "$node" grep -q '/etc/containerd/certs.d' /etc/containerd/config.toml ||
            die "cluster $KIND_CLUSTER was not created by this script (containerd has no registry config_path): delete it, or set KIND_CLUSTER"
        docker exec "$node" mkdir -p "$dir"
        printf '[host."http://%s:5000"]\n' "$REGISTRY_NAME" | docker exec -i "$node" cp /dev/stdin "$dir/hosts.toml"
    done
    if [ "$(docker inspect -f '{{json .NetworkSettings.Networks.kind}}' "$REGISTRY_NAME")" = null ]; then
        docker network connect kind "$REGISTRY_NAME"
    fi
    # documents the registry for tools (KEP-1755)
    k apply -f - >/dev/null <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: local-registry-hosting
  namespace: kube-public
data:
  localRegistryHosting.v1: |
    host: "localhost:$REGISTRY_PORT"
    help: "https://kind.sigs.k8s.io/docs/user/local-registry/"
EOF
}

generate_tree() {
    if [ ! -x "$NOMNOM" ]; then
        need cmake make
        say "building nomnom"
        cmake -S "$ROOT" -B "$ROOT/build" >/dev/null
        cmake --build "$ROOT/build" -j"$(nproc 2>/dev/null || echo 2)" --target nomnom
        NOMNOM=$ROOT/build/nomnom
    fi
    say "generating the tree into $OUT"
    mkdir -p "$(dirname "$OUT")"
    "$NOMNOM" generate-dashboard --entities "$ENTITIES" --output "$OUT"
}

chart_dir() {
    local charts=("$OUT"/helm/*/Chart.yaml)
    [ -f "${charts[0]}" ] || die "no Helm chart in $OUT/helm"
    dirname "${charts[0]}"
}

build_images() {
    local chart project df image
    chart=$(chart_dir)
    project=$(basename "$chart")
    for df in ingestion-api:ingestion-api worker:worker backend:dashboard-backend frontend:dashboard-frontend; do
        image=$REGISTRY/$project-${df#*:}:$IMAGE_TAG
        say "building $image"
        docker build -f "$OUT/Dockerfile.${df%%:*}" -t "$image" "$OUT"
        docker push "$image" >/dev/null
    done
}

install_release() {
    local chart extra=()
    chart=$(chart_dir)
    if [ -n "$HELM_ARGS" ]; then
        read -r -a extra <<<"$HELM_ARGS"
    fi
    say "helm upgrade --install $RELEASE ($chart)"
    # kind has no metrics-server, so no HPA; one replica of each service
    helm --kube-context "$CONTEXT" upgrade --install "$RELEASE" "$chart" \
        --namespace "$NAMESPACE" --create-namespace \
        --set image.registry="$REGISTRY" --set image.tag="$IMAGE_TAG" \
        --set ingestionApi.autoscaling.enabled=false --set ingestionApi.replicaCount=1 \
        --set worker.replicaCount=1 \
        --set nats.persistence.size=1Gi --set postgres.persistence.size=1Gi \
        "${extra[@]}" --wait --timeout 10m
    say "waiting for every pod of $RELEASE to be Ready"
    k -n "$NAMESPACE" wait --for=condition=Ready pod -l "app.kubernetes.io/instance=$RELEASE" --timeout=600s
    k -n "$NAMESPACE" get pods -l "app.kubernetes.io/instance=$RELEASE" -o wide
}

service_of() {
    local name
    name=$(k -n "$NAMESPACE" get svc \
        -l "app.kubernetes.io/instance=$RELEASE,app.kubernetes.io/component=$1" \
        -o jsonpath='{.items[0].metadata.name}')
    [ -n "$name" ] || die "no Service for component $1"
    echo "$name"
}

# port_forward COMPONENT LOCAL_PORT: a background kubectl port-forward that
# outlives this script; its pid and log are kept under build/kind/state.
port_forward() {
    local svc port pid
    svc=$(service_of "$1")
    port=$(k -n "$NAMESPACE" get svc "$svc" -o jsonpath='{.spec.ports[0].port}')
    nohup kubectl --context "$CONTEXT" -n "$NAMESPACE" port-forward "svc/$svc" "$2:$port" \
        >"$STATE/port-forward-$1.log" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$STATE/port-forward-$1.pid"
    say "port-forward svc/$svc → 127.0.0.1:$2 (pid $pid)"
}

wait_http() {
    local url=$1 i
    for i in $(seq 1 60); do
        if curl -fs -o /dev/null --max-time 2 "$url"; then
            return 0
        fi
        [ "$i" -eq 60 ] || sleep 1
    done
    die "$url did not answer (see $STATE/port-forward-*.log)"
}

# stats_numbers: reads GET /api/stats, prints "<rows of EXAMPLE_ENTITY> <processed messages>"
# (-1 where the document does not say); tolerant of the exact shape.
stats_numbers() {
    python3 -c '
import json, sys
entity = sys.argv[1]
doc = json.load(sys.stdin)
def count(v):
    if isinstance(v, bool): return None
    if isinstance(v, (int, float)): return int(v)
    if isinstance(v, dict):
        for k in ("count", "rows", "total", "row_count"):
            if isinstance(v.get(k), (int, float)): return int(v[k])
    return None
rows, processed = -1, -1
def walk(v):
    global rows, processed
    if isinstance(v, dict):
        for k, x in v.items():
            if k == entity and count(x) is not None and rows < 0: rows = count(x)
            if k == "processed" and count(x) is not None and processed < 0: processed = count(x)
        if v.get("name") == entity or v.get("entity") == entity:
            c = count(v)
            if c is not None and rows < 0: rows = c
        for x in v.values(): walk(x)
    elif isinstance(v, list):
        for x in v: walk(x)
walk(doc)
print(rows, processed)
' "$EXAMPLE_ENTITY"
}

send_example() {
    local stats=http://127.0.0.1:$DASHBOARD_PORT/api/stats before after code i
    before=$(curl -fsS --max-time 5 "$stats" | stats_numbers) || die "GET $stats failed"
    say "POST $(basename "$EXAMPLE") to /ingest/$EXAMPLE_ENTITY (stats before: rows, processed = $before)"
    code=$(curl -sS -o "$STATE/ingest-response.json" -w '%{http_code}' --max-time 10 \
        -H 'Content-Type: application/json' --data-binary "@$EXAMPLE" \
        "http://127.0.0.1:$INGEST_PORT/ingest/$EXAMPLE_ENTITY")
    [ "$code" = 202 ] || die "ingestion answered $code: $(cat "$STATE/ingest-response.json")"
    echo "  202 $(cat "$STATE/ingest-response.json")" >&2
    for i in $(seq 1 60); do
        after=$(curl -fsS --max-time 5 "$stats" | stats_numbers) || after="-1 -1"
        # a new processed message, or a row that was not there (re-runs upsert the same order)
        if [ "${after#* }" -gt "${before#* }" ] || [ "${after% *}" -gt "${before% *}" ] ||
            { [ "${before#* }" -lt 0 ] && [ "${after% *}" -ge 1 ]; }; then
            say "the order reached /api/stats after ${i}s (rows, processed = $after)"
            return 0
        fi
        sleep 1
    done
    die "the order did not reach /api/stats within 60 s (rows, processed = $after)"
}

up() {
    need docker kind kubectl helm curl python3
    docker info >/dev/null 2>&1 || die "docker cannot reach its engine"
    [ -f "$EXAMPLE" ] || die "no example document $EXAMPLE"
    mkdir -p "$STATE"
    start_registry
    create_cluster
    generate_tree
    build_images
    install_release
    stop_port_forwards
    port_forward ingestion-api "$INGEST_PORT"
    port_forward dashboard-frontend "$DASHBOARD_PORT"
    wait_http "http://127.0.0.1:$INGEST_PORT/health"
    wait_http "http://127.0.0.1:$DASHBOARD_PORT/health"
    send_example
    cat >&2 <<EOF

The stack runs in kind cluster $KIND_CLUSTER, namespace $NAMESPACE:
  ingestion API  http://127.0.0.1:$INGEST_PORT/ingest/<Entity>
  dashboard      http://127.0.0.1:$DASHBOARD_PORT/
  pods           kubectl --context $CONTEXT -n $NAMESPACE get pods
  remove it all  $0 --down
EOF
}

case ${1:-} in
    "") up ;;
    --down | down) down ;;
    -h | --help | help) usage ;;
    *)
        usage >&2
        exit 2
        ;;
esac
