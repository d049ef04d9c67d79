#!/usr/bin/env python3
"""deploy_checks.py - structural checks of the generated deployment files.

Used by test_deploy.sh; needs only python3 and PyYAML (Debian: python3-yaml).

  deploy_checks.py chart RENDERED.yaml VARIANT   objects of `helm template`
  deploy_checks.py compose docker-compose.yml    the compose file vs DESIGN.md §5
  deploy_checks.py dockerfiles TREE              the four Dockerfiles and their context
  deploy_checks.py natsconf RENDERED.yaml DIR    writes each NATS ConfigMap's nats.conf to DIR

Each check prints one line per problem and exits 1 when there was any.
"""
import fnmatch
import os
import re
import sys

import yaml

SERVICES = ("ingestion-api", "worker", "dashboard-backend", "dashboard-frontend")
COMPONENTS = SERVICES + ("nats", "postgres")
C_SERVICES = ("ingestion-api", "worker", "dashboard-backend")
WORKLOAD_KINDS = ("Deployment", "StatefulSet")
# the environment each C service must receive (DESIGN.md §5 and issues 3-5)
REQUIRED_ENV = {
    "ingestion-api": {"PORT", "NATS_URL", "MAX_BODY_BYTES", "LOG_LEVEL", "LOG_FORMAT", "STREAM_REPLICAS"},
    "worker": {"NATS_URL", "DATABASE_URL", "METRICS_PORT", "BATCH_SIZE", "MAX_DELIVER", "ACK_WAIT_MS",
               "MAX_ACK_PENDING", "LOG_LEVEL", "LOG_FORMAT", "STREAM_REPLICAS"},
    "dashboard-backend": {"PORT", "DATABASE_URL", "POLL_INTERVAL_MS", "MAX_RECORDS", "STATIC_DIR",
                          "CORS_ORIGIN", "LOG_LEVEL", "LOG_FORMAT"},
    "dashboard-frontend": {"PORT", "BACKEND_URL"},
}
PORTS = {"ingestion-api": 8080, "worker": 9090, "dashboard-backend": 3000, "dashboard-frontend": 8081}

problems = []


def problem(msg):
    problems.append(msg)
    print("  - " + msg)


def finish():
    sys.exit(1 if problems else 0)


# ---------------------------------------------------------------- chart ----

def name_of(obj):
    return "%s/%s" % (obj.get("kind"), obj.get("metadata", {}).get("name"))


def component_of(obj):
    return (obj.get("metadata", {}).get("labels") or {}).get("app.kubernetes.io/component")


def containers_of(workload, init=False):
    spec = workload["spec"]["template"]["spec"]
    return list(spec.get("containers") or []) + (list(spec.get("initContainers") or []) if init else [])


def env_of(container):
    return {e["name"]: e for e in container.get("env") or []}


def port_matches(port, container_ports):
    """A Service targetPort / probe port (name or number) against containerPorts."""
    for cp in container_ports:
        if isinstance(port, int) and cp.get("containerPort") == port:
            return True
        if isinstance(port, str) and cp.get("name") == port:
            return True
    return False


def check_chart(path, variant):
    with open(path) as f:
        objs = [o for o in yaml.safe_load_all(f) if o]
    by_kind = {}
    for o in objs:
        by_kind.setdefault(o["kind"], []).append(o)
    workloads = [o for o in objs if o["kind"] in WORKLOAD_KINDS]
    services = by_kind.get("Service", [])
    secrets = {o["metadata"]["name"] for o in by_kind.get("Secret", [])}
    configmaps = {o["metadata"]["name"] for o in by_kind.get("ConfigMap", [])}
    service_names = {o["metadata"]["name"]: o for o in services}

    # labels: every object carries name and instance; workloads a known component
    for o in objs:
        labels = o.get("metadata", {}).get("labels") or {}
        for key in ("app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/managed-by"):
            if key not in labels:
                problem("%s has no label %s" % (name_of(o), key))
        comp = labels.get("app.kubernetes.io/component")
        if comp is not None and comp not in COMPONENTS:
            problem("%s has an unknown component %r" % (name_of(o), comp))
    seen = {}
    for w in workloads:
        comp = component_of(w)
        if comp not in COMPONENTS:
            problem("%s has no component label" % name_of(w))
            continue
        seen[comp] = w
        pod_labels = w["spec"]["template"]["metadata"].get("labels") or {}
        selector = w["spec"]["selector"]["matchLabels"]
        if pod_labels.get("app.kubernetes.io/component") != comp:
            problem("%s: pod template is not labelled component=%s" % (name_of(w), comp))
        for k, v in selector.items():
            if pod_labels.get(k) != v:
                problem("%s: selector %s=%s does not match its pod labels" % (name_of(w), k, v))
        if "app.kubernetes.io/component" not in selector:
            problem("%s: selector lacks the component label" % name_of(w))
    expected = set(SERVICES)
    if variant != "all-options":
        expected.add("postgres")
    if variant != "external-nats":
        expected.add("nats")
    for comp in sorted(expected - set(seen)):
        problem("no workload with component %s" % comp)
    if variant == "all-options" and "postgres" in seen:
        problem("postgres.enabled=false still renders a PostgreSQL StatefulSet")
    if variant == "external-nats" and "nats" in seen:
        problem("nats.enabled=false still renders a NATS StatefulSet")

    # Services: the selector picks a workload's pods; every targetPort is declared there
    for s in services:
        selector = s["spec"].get("selector") or {}
        targets = [w for w in workloads
                   if selector and all((w["spec"]["template"]["metadata"].get("labels") or {}).get(k) == v
                                       for k, v in selector.items())]
        if not targets:
            problem("%s selects no Deployment/StatefulSet pods (%s)" % (name_of(s), selector))
            continue
        if len({component_of(t) for t in targets}) != 1:
            problem("%s selects pods of several components" % name_of(s))
        if component_of(s) != component_of(targets[0]):
            problem("%s is labelled %s but selects %s" % (name_of(s), component_of(s), component_of(targets[0])))
        for p in s["spec"]["ports"]:
            tp = p.get("targetPort", p["port"])
            for t in targets:
                cports = [cp for c in containers_of(t) for cp in c.get("ports") or []]
                if not port_matches(tp, cports):
                    problem("%s port %s: targetPort %r is no containerPort of %s" % (name_of(s), p.get("name"), tp, name_of(t)))

    # StatefulSets name an existing headless Service
    for w in by_kind.get("StatefulSet", []):
        svc = service_names.get(w["spec"].get("serviceName"))
        if svc is None or svc["spec"].get("clusterIP") != "None":
            problem("%s: serviceName %r is no headless Service" % (name_of(w), w["spec"].get("serviceName")))

    # containers: probes, resources, securityContext, env
    for w in workloads:
        comp = component_of(w)
        pod = w["spec"]["template"]["spec"]
        psc = pod.get("securityContext") or {}
        for c in containers_of(w, init=True):
            where = "%s container %s" % (name_of(w), c["name"])
            sc = c.get("securityContext") or {}
            if not (sc.get("runAsNonRoot") or psc.get("runAsNonRoot")):
                problem(where + ": runAsNonRoot is not set")
            if "ALL" not in ((sc.get("capabilities") or {}).get("drop") or []):
                problem(where + ": capabilities are not dropped (drop: [ALL])")
            if sc.get("allowPrivilegeEscalation") is not False:
                problem(where + ": allowPrivilegeEscalation is not false")
            if sc.get("readOnlyRootFilesystem") is not True:
                problem(where + ": root filesystem is not read-only")
            res = c.get("resources") or {}
            if not (res.get("requests") and res.get("limits")):
                problem(where + ": no resource requests and limits")
            if not c.get("image"):
                problem(where + ": no image")
        for c in containers_of(w):
            where = "%s container %s" % (name_of(w), c["name"])
            cports = c.get("ports") or []
            for kind in ("livenessProbe", "readinessProbe"):
                if kind not in c:
                    problem("%s: no %s" % (where, kind))
            for kind in ("startupProbe", "livenessProbe", "readinessProbe"):
                probe = c.get(kind)
                if not probe:
                    continue
                get = probe.get("httpGet")
                if comp in SERVICES:
                    want = "/ready" if kind == "readinessProbe" else "/health"
                    if not get or get.get("path") != want:
                        problem("%s %s: expected httpGet %s, got %s" % (where, kind, want, get))
                elif comp == "nats":
                    if not get or not str(get.get("path", "")).startswith("/healthz"):
                        problem("%s %s: expected NATS /healthz" % (where, kind))
                elif comp == "postgres":
                    if "pg_isready" not in " ".join((probe.get("exec") or {}).get("command") or []):
                        problem("%s %s: expected pg_isready" % (where, kind))
                if get and not port_matches(get.get("port"), cports):
                    problem("%s %s: port %r is no declared containerPort" % (where, kind, get.get("port")))
            if comp in SERVICES:
                ports = [cp.get("containerPort") for cp in cports]
                if PORTS[comp] not in ports:
                    problem("%s: container port %d (DESIGN.md §5) not declared" % (where, PORTS[comp]))
                env = env_of(c)
                missing = REQUIRED_ENV[comp] - set(env)
                if missing:
                    problem("%s: environment lacks %s" % (where, ", ".join(sorted(missing))))
                if "DATABASE_URL" in env and ":" in env["DATABASE_URL"].get("value", "").split("@")[0].split("//")[-1]:
                    problem("%s: DATABASE_URL carries a password (use PGPASSWORD)" % where)
                port_env = "METRICS_PORT" if comp == "worker" else "PORT"
                if str(PORTS[comp]) != str((env.get(port_env) or {}).get("value")):
                    problem("%s: %s is not %d" % (where, port_env, PORTS[comp]))
            # every secret / config map referenced exists or is a declared existing one
            for e in c.get("env") or []:
                ref = (e.get("valueFrom") or {}).get("secretKeyRef")
                if ref and ref["name"] not in secrets and ref["name"] not in ("app-db", "ingest-token"):
                    problem("%s: env %s reads Secret %s, which is not rendered" % (where, e["name"], ref["name"]))
        for v in pod.get("volumes") or []:
            if "configMap" in v and v["configMap"]["name"] not in configmaps:
                problem("%s: volume %s reads ConfigMap %s, which is not rendered" % (name_of(w), v["name"], v["configMap"]["name"]))
        if comp in ("ingestion-api", "worker", "dashboard-backend") and variant != "external-nats":
            inits = {c["name"] for c in pod.get("initContainers") or []}
            need = {"ingestion-api": {"wait-for-nats"}, "worker": {"wait-for-nats", "wait-for-postgres"},
                    "dashboard-backend": {"wait-for-postgres"}}[comp]
            if not need <= inits:
                problem("%s: init containers %s missing" % (name_of(w), ", ".join(sorted(need - inits))))

    # NATS: the cluster, the stream replicas the services get
    nats = seen.get("nats")
    stream_replicas = {"default": "1", "all-options": "3", "external-nats": "3"}[variant]
    for comp in ("ingestion-api", "worker"):
        if comp in seen:
            env = env_of(containers_of(seen[comp])[0])
            got = (env.get("STREAM_REPLICAS") or {}).get("value")
            if got != stream_replicas:
                problem("%s: STREAM_REPLICAS is %r, expected %s" % (comp, got, stream_replicas))
    if variant == "all-options":
        # the stream limits reach both services that create the streams
        for comp in ("ingestion-api", "worker"):
            env = env_of(containers_of(seen[comp])[0])
            got = {k: (env.get(k) or {}).get("value") for k in ("STREAM_MAX_AGE", "STREAM_MAX_BYTES", "STREAM_DUPLICATE_WINDOW")}
            if got != {"STREAM_MAX_AGE": "24h", "STREAM_MAX_BYTES": "5368709120", "STREAM_DUPLICATE_WINDOW": "5m"}:
                problem("%s: stream limits are %s" % (comp, got))
    if nats is not None:
        want = 3 if variant == "all-options" else 1
        if nats["spec"]["replicas"] != want:
            problem("NATS StatefulSet has %s replicas, expected %d" % (nats["spec"]["replicas"], want))
        if not nats["spec"].get("volumeClaimTemplates"):
            problem("NATS keeps JetStream on no PersistentVolumeClaim")
    if variant == "all-options":
        env = env_of(containers_of(seen["worker"])[0])
        if env["DATABASE_URL"].get("value") != "postgres://app@db.example.com:5432/app?sslmode=require":
            problem("worker: DATABASE_URL is not postgres.external.url")
        ref = (env.get("PGPASSWORD") or {}).get("valueFrom", {}).get("secretKeyRef", {})
        if (ref.get("name"), ref.get("key")) != ("app-db", "db-password"):
            problem("worker: PGPASSWORD does not come from the existing Secret app-db/db-password")

    # autoscaling objects and the Ingress point at what exists
    deployments = {o["metadata"]["name"]: o for o in by_kind.get("Deployment", [])}
    hpas = by_kind.get("HorizontalPodAutoscaler", [])
    if variant in ("default", "all-options") and not hpas:
        problem("no HorizontalPodAutoscaler for the ingestion API")
    for h in hpas:
        target = deployments.get(h["spec"]["scaleTargetRef"]["name"])
        if target is None or component_of(target) != "ingestion-api":
            problem("%s does not scale the ingestion-api Deployment" % name_of(h))
        elif "replicas" in target["spec"]:
            problem("%s: the Deployment also sets replicas (the HPA owns them)" % name_of(target))
    scaled = by_kind.get("ScaledObject", [])
    if variant in ("all-options", "external-nats") and not scaled:
        problem("no KEDA ScaledObject for the workers")
    for so in scaled:
        target = deployments.get(so["spec"]["scaleTargetRef"]["name"])
        if target is None or component_of(target) != "worker":
            problem("%s does not scale the worker Deployment" % name_of(so))
        trig = so["spec"]["triggers"][0]
        md = trig["metadata"]
        if trig["type"] != "nats-jetstream" or md.get("stream") != "MESSAGES" or md.get("consumer") != "workers":
            problem("%s: trigger is not nats-jetstream on MESSAGES/workers" % name_of(so))
        if not re.match(r"^[^/:]+:\d+$", md.get("natsServerMonitoringEndpoint", "")):
            problem("%s: bad natsServerMonitoringEndpoint" % name_of(so))
    for ing in by_kind.get("Ingress", []):
        for rule in ing["spec"]["rules"]:
            for p in rule["http"]["paths"]:
                svc = service_names.get(p["backend"]["service"]["name"])
                if svc is None:
                    problem("%s: backend Service %s does not exist" % (name_of(ing), p["backend"]["service"]["name"]))
                    continue
                port = p["backend"]["service"]["port"]
                if not any(sp.get("name") == port.get("name") or sp["port"] == port.get("number") for sp in svc["spec"]["ports"]):
                    problem("%s: %s has no port %s" % (name_of(ing), name_of(svc), port))
    if variant == "all-options" and not by_kind.get("Ingress"):
        problem("ingress.enabled=true renders no Ingress")
    print("chart %s: %d objects, %d problems" % (variant, len(objs), len(problems)))


def write_nats_confs(path, outdir):
    with open(path) as f:
        objs = [o for o in yaml.safe_load_all(f) if o]
    n = 0
    for o in objs:
        if o["kind"] == "ConfigMap" and "nats.conf" in (o.get("data") or {}):
            n += 1
            with open(os.path.join(outdir, "%s.conf" % o["metadata"]["name"]), "w") as out:
                out.write(o["data"]["nats.conf"])
    if n == 0:
        problem("no NATS ConfigMap rendered")
    print(n)


# -------------------------------------------------------------- compose ----

def check_compose(path):
    with open(path) as f:
        doc = yaml.safe_load(f)
    services = doc.get("services") or {}
    want = {"nats", "postgres"} | set(SERVICES)
    if set(services) != want:
        problem("services are %s, expected %s" % (sorted(services), sorted(want)))

    def env(name):
        e = services.get(name, {}).get("environment") or {}
        if isinstance(e, list):
            e = dict(item.split("=", 1) if "=" in item else (item, "") for item in e)
        return {k: "" if v is None else str(v) for k, v in e.items()}

    def published(name):
        out = {}
        for p in services.get(name, {}).get("ports") or []:
            p = str(p)
            target = int(p.rsplit(":", 1)[-1].split("/")[0])
            out[target] = p
        return out

    for comp, required in REQUIRED_ENV.items():
        e = env(comp)
        missing = required - set(e) - ({"STREAM_REPLICAS"} if comp == "dashboard-backend" else set())
        if missing:
            problem("%s: environment lacks %s" % (comp, ", ".join(sorted(missing))))
        if comp in C_SERVICES:
            for key in ("LOG_LEVEL", "LOG_FORMAT"):
                if key not in e:
                    problem("%s: no %s" % (comp, key))
    for comp in ("ingestion-api", "worker"):
        url = env(comp).get("NATS_URL", "")
        if not url.startswith("nats://nats:4222"):
            problem("%s: NATS_URL %r does not point at the nats service" % (comp, url))
    for comp in ("worker", "dashboard-backend"):
        url = env(comp).get("DATABASE_URL", "")
        if not re.match(r"^postgres(ql)?://[^@]+@postgres:5432/", url):
            problem("%s: DATABASE_URL %r does not point at the postgres service" % (comp, url))
    if env("ingestion-api").get("PORT") != "8080":
        problem("ingestion-api: PORT is not 8080")
    if env("dashboard-backend").get("PORT") != "3000":
        problem("dashboard-backend: PORT is not 3000")
    if env("worker").get("METRICS_PORT") != "9090":
        problem("worker: METRICS_PORT is not 9090")
    if env("dashboard-frontend").get("PORT") != "8081":
        problem("dashboard-frontend: PORT is not 8081")
    if not env("dashboard-frontend").get("BACKEND_URL", "").startswith("http://dashboard-backend:3000"):
        problem("dashboard-frontend: BACKEND_URL does not point at dashboard-backend:3000")
    for comp, port in (("ingestion-api", 8080), ("dashboard-backend", 3000), ("dashboard-frontend", 8081)):
        if port not in published(comp):
            problem("%s: port %d is not published" % (comp, port))
    # JetStream on a volume; PostgreSQL on a volume with pg_isready
    nats = services.get("nats", {})
    cmd = nats.get("command") or []
    cmd = cmd if isinstance(cmd, list) else cmd.split()
    conf_text = ""
    for v in nats.get("volumes") or []:
        src = str(v).split(":")[0]
        if src.startswith("./") and os.path.isfile(os.path.join(os.path.dirname(path), src)):
            conf_text += open(os.path.join(os.path.dirname(path), src)).read()
    if not ("-js" in cmd or "--jetstream" in cmd or re.search(r"^\s*jetstream\s*\{", conf_text, re.M)):
        problem("nats: JetStream is not switched on")
    named_volumes = set(doc.get("volumes") or {})
    for comp in ("nats", "postgres"):
        vols = [str(v).split(":")[0] for v in services.get(comp, {}).get("volumes") or []]
        if not any(v in named_volumes for v in vols):
            problem("%s: no persistent named volume" % comp)
        if "healthcheck" not in services.get(comp, {}):
            problem("%s: no healthcheck" % comp)
    if "pg_isready" not in str(services.get("postgres", {}).get("healthcheck", {}).get("test")):
        problem("postgres: healthcheck does not use pg_isready")
    # start-up ordering on health
    order = {"ingestion-api": {"nats"}, "worker": {"nats", "postgres"},
             "dashboard-backend": {"postgres"}, "dashboard-frontend": {"dashboard-backend"}}
    for comp, deps in order.items():
        dep = services.get(comp, {}).get("depends_on") or {}
        for d in deps:
            if not isinstance(dep, dict) or (dep.get(d) or {}).get("condition") != "service_healthy":
                problem("%s: does not wait for %s to be healthy" % (comp, d))
    for comp in SERVICES:
        build = services.get(comp, {}).get("build") or {}
        df = build.get("dockerfile") if isinstance(build, dict) else None
        if not df or not os.path.isfile(os.path.join(os.path.dirname(path), build.get("context", "."), df)):
            problem("%s: build.dockerfile %r is not in the tree" % (comp, df))
    print("compose: %d services, %d problems" % (len(services), len(problems)))


# ---------------------------------------------------------- dockerfiles ----

def dockerignore_patterns(tree):
    pats = []
    p = os.path.join(tree, ".dockerignore")
    if os.path.isfile(p):
        for line in open(p):
            line = line.strip()
            if line and not line.startswith("#"):
                pats.append(line.rstrip("/"))
    return pats


def ignored(rel, pats):
    rel = rel.rstrip("/")
    for pat in pats:
        for cand in (pat, pat.replace("**/", "")):
            if fnmatch.fnmatch(rel, cand) or rel.startswith(cand + "/"):
                return True
    return False


def logical_lines(text):
    buf = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            buf += line[:-1] + " "
            continue
        yield buf + line
        buf = ""


def check_dockerfiles(tree):
    pats = dockerignore_patterns(tree)
    if not pats:
        problem(".dockerignore missing or empty")
    files = {"Dockerfile.ingestion-api": ("ingestion-api", 8080),
             "Dockerfile.worker": ("worker", 9090),
             "Dockerfile.backend": ("dashboard-backend", 3000),
             "Dockerfile.frontend": ("dashboard-frontend", 8081)}
    for df, (comp, port) in files.items():
        path = os.path.join(tree, df)
        if not os.path.isfile(path):
            problem("%s missing" % df)
            continue
        lines = list(logical_lines(open(path).read()))
        instr = [(l.split(None, 1)[0].upper(), l.split(None, 1)[1] if " " in l else "") for l in lines]
        froms = [a for i, a in instr if i == "FROM"]
        if len(froms) < 2:
            problem("%s: not a multi-stage build" % df)
        for a in froms:
            base = a.split()[0]
            stages = [f.split()[-1] for f in froms if " as " in f.lower()]
            if base != "debian:bookworm-slim" and base not in stages:
                problem("%s: stage FROM %s is not debian:bookworm-slim" % (df, base))
        # the runtime stage: everything after the last FROM
        last = max(k for k, (i, _) in enumerate(instr) if i == "FROM")
        runtime = instr[last:]
        users = [a for i, a in runtime if i == "USER"]
        if not users or users[-1].split(":")[0] in ("root", "0"):
            problem("%s: runtime stage does not switch to a non-root USER" % df)
        if not any(i == "EXPOSE" and str(port) in a.split() for i, a in runtime):
            problem("%s: does not EXPOSE %d" % (df, port))
        hc = [a for i, a in runtime if i == "HEALTHCHECK"]
        if not hc or "/health" not in hc[-1]:
            problem("%s: no HEALTHCHECK on /health" % df)
        if not any(i in ("ENTRYPOINT", "CMD") for i, _ in runtime):
            problem("%s: no ENTRYPOINT or CMD" % df)
        runtime_runs = " ".join(a for i, a in runtime if i == "RUN")
        for dev in re.findall(r"\b[a-z0-9.+-]+-dev\b", runtime_runs):
            problem("%s: runtime stage installs %s" % (df, dev))
        if comp in C_SERVICES:
            build_runs = " ".join(a for i, a in instr[:last] if i == "RUN")
            if not re.search(r"\bmake\b", build_runs):
                problem("%s: build stage does not run make" % df)
            for dev in ("libjansson-dev", "libmicrohttpd-dev", "libnats-dev", "libpq-dev", "libwebsockets-dev", "uuid-dev"):
                if dev not in build_runs:
                    problem("%s: build stage lacks %s" % (df, dev))
            if not any(i == "COPY" and "bin/%s" % comp in a for i, a in runtime):
                problem("%s: runtime stage does not copy bin/%s" % (df, comp))
        if comp == "worker" and not any(i == "COPY" and "sql/schema.sql" in a for i, a in runtime):
            problem("%s: the image does not carry sql/schema.sql" % df)
        # every COPY from the build context exists in the tree and is not ignored
        for i, a in instr:
            if i != "COPY" or "--from=" in a:
                continue
            srcs = [w for w in a.split() if not w.startswith("--")][:-1]
            for src in srcs:
                if src == ".":
                    continue
                if not os.path.exists(os.path.join(tree, src)):
                    problem("%s: COPY %s: not in the generated tree" % (df, src))
                elif ignored(src, pats):
                    problem("%s: COPY %s: excluded by .dockerignore" % (df, src))
    for needed in ("dashboard-frontend/dist", "sql/schema.sql", "docker/nomnom-probe"):
        if ignored(needed, pats):
            problem(".dockerignore excludes %s, which an image needs" % needed)
    print("dockerfiles: %d problems" % len(problems))


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    what = sys.argv[1]
    if what == "chart":
        check_chart(sys.argv[2], sys.argv[3])
    elif what == "compose":
        check_compose(sys.argv[2])
    elif what == "dockerfiles":
        check_dockerfiles(sys.argv[2])
    elif what == "natsconf":
        write_nats_confs(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
    finish()


if __name__ == "__main__":
    main()
