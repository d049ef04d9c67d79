"""dashboard_ws.py - a small asyncio WebSocket client (RFC 6455, standard
library only) and the scenarios test_dashboard_backend.sh runs against a
generated dashboard backend and a real PostgreSQL.

    python3 dashboard_ws.py SCENARIO --port PORT [options]

Each scenario prints what it measured and exits 0 when its checks hold, 1
otherwise (with the reason on stderr). Rows are written with psql against
$DATABASE_URL, so the database must be reachable from the environment.
"""

import argparse
import asyncio
import base64
import json
import re
import os
import random
import socket
import struct
import subprocess
import sys
import time
from decimal import Decimal

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

# ---------------------------------------------------------------------------
# WebSocket client


class Closed(Exception):
    """The server closed the connection (code, reason in args)."""


class WSClient:
    def __init__(self, reader, writer):
        self.reader = reader
        self.writer = writer
        self.pings = 0
        self.close_code = None

    @classmethod
    async def connect(cls, port, path="/ws", host="127.0.0.1", rcvbuf=None, timeout=10):
        if rcvbuf:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
            sock.setblocking(False)
            await asyncio.get_running_loop().sock_connect(sock, (host, port))
            reader, writer = await asyncio.open_connection(sock=sock, limit=2**24)
        else:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(host, port, limit=2**24), timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        writer.write((f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                      f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                      f"Sec-WebSocket-Version: 13\r\n\r\n").encode())
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
        status = head.split(b"\r\n", 1)[0]
        if b" 101 " not in status:
            writer.close()
            raise ConnectionError(f"handshake refused: {status!r}")
        return cls(reader, writer)

    def _send_frame(self, opcode, payload=b""):
        mask = os.urandom(4)
        head = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 65536:
            head += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack("!Q", n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.writer.write(head + mask + masked)

    async def _frame(self):
        b0, b1 = await self.reader.readexactly(2)
        n = b1 & 0x7F
        if n == 126:
            (n,) = struct.unpack("!H", await self.reader.readexactly(2))
        elif n == 127:
            (n,) = struct.unpack("!Q", await self.reader.readexactly(8))
        if b1 & 0x80:  # a server must not mask
            raise ConnectionError("masked frame from the server")
        return b0 & 0x80, b0 & 0x0F, await self.reader.readexactly(n)

    async def recv_text(self, timeout=None):
        """The next text message (fragments joined); answers pings."""
        async def read():
            parts = []
            while True:
                fin, opcode, payload = await self._frame()
                if opcode == 0x9:
                    self.pings += 1
                    self._send_frame(0xA, payload)
                    await self.writer.drain()
                    continue
                if opcode == 0xA:
                    continue
                if opcode == 0x8:
                    code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                    self.close_code = code
                    try:
                        self._send_frame(0x8, payload[:2])
                        await self.writer.drain()
                    except (ConnectionError, OSError):
                        pass
                    raise Closed(code, payload[2:].decode(errors="replace"))
                parts.append(payload)
                if fin:
                    return b"".join(parts).decode()
        if timeout is None:
            return await read()
        return await asyncio.wait_for(read(), timeout)

    async def recv_json(self, timeout=None):
        return json.loads(await self.recv_text(timeout))

    def close(self):
        try:
            self._send_frame(0x8, struct.pack("!H", 1000))
        except (ConnectionError, OSError, RuntimeError):
            pass
        self.writer.close()


# ---------------------------------------------------------------------------
# A client that keeps reading and records every message


class Recorder:
    """Reads one connection in the background: snapshots, rows (with the time
    each arrived), stats, errors, and how the connection ended."""

    def __init__(self, ws, name=""):
        self.ws = ws
        self.name = name
        self.snapshots = {}
        self.rows = []  # (arrival time, entity, row, message number)
        self.seen = {}  # (entity, order_key) -> arrival time of its first version
        self.stats = []
        self.errors = []
        self.kinds = []  # message types in order
        self.closed = None
        self.changed = asyncio.Event()
        self.task = asyncio.create_task(self._run())

    async def _run(self):
        try:
            while True:
                text = await self.ws.recv_text()
                now = time.monotonic()
                msg = json.loads(text)
                self.kinds.append(msg.get("type"))
                if msg["type"] == "snapshot":
                    self.snapshots[msg["entity"]] = msg["rows"]
                elif msg["type"] == "rows":
                    for r in msg["rows"]:
                        self.rows.append((now, msg["entity"], r, len(self.kinds)))
                        self.seen.setdefault((msg["entity"], r.get("order_key")), now)
                elif msg["type"] == "stats":
                    self.stats.append(msg)
                elif msg["type"] == "error":
                    self.errors.append(msg)
                self.changed.set()
        except Closed as e:
            self.closed = ("closed", e.args[0])
        except (asyncio.IncompleteReadError, ConnectionError, OSError) as e:
            self.closed = ("lost", repr(e))
        except asyncio.CancelledError:
            raise
        self.changed.set()

    def ids(self, entity, column="id"):
        return [r[column] for _, e, r, _ in self.rows if e == entity]

    async def wait_for(self, predicate, timeout):
        deadline = time.monotonic() + timeout
        while not predicate():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), min(left, 0.05))
            except asyncio.TimeoutError:
                pass
        return True

    async def stop(self):
        self.ws.close()
        self.task.cancel()
        try:
            await self.task
        except (asyncio.CancelledError, Exception):
            pass


async def open_recorders(port, count):
    clients = await asyncio.gather(*(WSClient.connect(port) for _ in range(count)))
    return [Recorder(c, str(i)) for i, c in enumerate(clients)]


async def wait_all(recorders, predicate, timeout):
    results = await asyncio.gather(*(r.wait_for(lambda r=r: predicate(r), timeout)
                                     for r in recorders))
    return all(results)


# ---------------------------------------------------------------------------
# PostgreSQL through psql


def psql(sql):
    out = subprocess.run(["psql", os.environ["DATABASE_URL"], "-X", "-q", "-At",
                          "-v", "ON_ERROR_STOP=1", "-c", sql],
                         capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise RuntimeError(f"psql failed: {out.stderr.strip()}")
    return out.stdout.strip()


class Session:
    """A long-lived psql reading statements from a pipe; sync() waits until
    everything sent so far has run."""

    def __init__(self):
        self.proc = subprocess.Popen(
            ["psql", os.environ["DATABASE_URL"], "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            bufsize=1)
        self.marker = 0

    def send(self, sql):
        self.proc.stdin.write(sql.rstrip() + "\n")
        self.proc.stdin.flush()

    def sync(self):
        self.marker += 1
        tag = f"sync-{self.marker}"
        self.send(f"\\echo {tag}")
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("psql ended: " + self.proc.stderr.read())
            if line.strip() == tag:
                return

    def close(self):
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        self.proc.wait(timeout=30)
        return self.proc.returncode


ORDER_COLUMNS = ("order_key, customer_key, order_status, total_price, order_date, "
                 "order_priority, clerk, ship_priority")


def order_values(key, comment=None):
    c = "NULL" if comment is None else "'" + comment.replace("'", "''") + "'"
    return (f"INSERT INTO orders ({ORDER_COLUMNS}, comment) VALUES "
            f"({key}, 1, 'O', 1.5, '2024-01-02', '1-URGENT', 'clerk', 0, {c})")


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


# ---------------------------------------------------------------------------
# scenarios


async def scenario_snapshot(args):
    """A client gets one snapshot per entity, newest first and capped at
    MAX_RECORDS, then a stats message."""
    ws = await WSClient.connect(args.port)
    rec = Recorder(ws)
    entities = args.entities.split(",")
    ok = await rec.wait_for(lambda: len(rec.snapshots) == len(entities) and rec.stats, 10)
    await rec.stop()
    if not ok:
        fail(f"snapshots {sorted(rec.snapshots)} stats {len(rec.stats)} kinds {rec.kinds}")
    if rec.kinds[:len(entities)] != ["snapshot"] * len(entities):
        fail(f"snapshots do not come first: {rec.kinds}")
    rows = rec.snapshots[args.entity]
    ids = [r["id"] for r in rows]
    if len(ids) != args.expect:
        fail(f"{args.entity} snapshot has {len(ids)} rows, expected {args.expect}")
    if ids != sorted(ids, reverse=True):
        fail(f"snapshot not newest first: {ids[:10]}")
    if args.newest is not None and ids and ids[0] != args.newest:
        fail(f"newest row is {ids[0]}, expected {args.newest}")
    stats = rec.stats[0]
    print(json.dumps({"rows": len(ids), "newest": ids[:3], "stats": stats}))


async def scenario_fanout(args):
    """One row inserted by SQL reaches every one of N clients within a bound."""
    recs = await open_recorders(args.port, args.clients)
    if not await wait_all(recs, lambda r: "Order" in r.snapshots, 15):
        fail("not every client got its snapshot")
    session = Session()
    session.sync()  # connected before anything is timed
    worst = []
    for i in range(args.rounds):
        key = args.key_base + i
        before = [len(r.rows) for r in recs]
        sql = order_values(key)
        if args.notify:
            sql = f"BEGIN; {sql}; NOTIFY nomnom_changes; COMMIT;"
        else:
            sql += ";"
        start = time.monotonic()
        session.send(sql)
        while not all(("Order", key) in r.seen for r in recs):
            if time.monotonic() - start > 5:
                fail(f"row {key} did not reach every client")
            await asyncio.sleep(0.002)
        worst.append(max(r.seen[("Order", key)] for r in recs) - start)
        for r, b in zip(recs, before):
            if len(r.rows) != b + 1:
                fail(f"a client got {len(r.rows) - b} rows for one insert")
        await asyncio.sleep(random.uniform(0.05, 0.2))
    session.close()
    for r in recs:
        await r.stop()
    worst_ms = max(worst) * 1000
    print(json.dumps({"clients": args.clients, "rounds": args.rounds,
                      "worst_ms": round(worst_ms, 1),
                      "median_ms": round(sorted(worst)[len(worst) // 2] * 1000, 1)}))
    if worst_ms > args.limit_ms:
        fail(f"slowest delivery {worst_ms:.1f} ms > {args.limit_ms} ms")
    median_ms = sorted(worst)[len(worst) // 2] * 1000
    if args.median_limit_ms and median_ms > args.median_limit_ms:
        fail(f"median delivery {median_ms:.1f} ms > {args.median_limit_ms} ms")


def writer_script(first_key, count, step, savepoints, hold_ms):
    """psql input: count single-row transactions, some with a savepoint (the
    worker's pattern), some holding their row uncommitted for a while. No
    NOTIFY: the rows are found by polling alone (a notification that brings
    no new row makes the backend scan the table, which would hide a
    horizon that moved too early)."""
    lines = []
    for i in range(count):
        key = first_key + i * step
        lines.append("BEGIN;")
        if savepoints and i % 3 == 0:
            lines.append("SAVEPOINT s;")
            lines.append(order_values(key, "savepoint") + ";")
            lines.append("RELEASE SAVEPOINT s;")
        else:
            lines.append(order_values(key) + ";")
        if i % 5 == 0:
            lines.append(f"SELECT pg_sleep({hold_ms / 1000.0 * random.random():.3f});")
        lines.append("COMMIT;")
    return "\n".join(lines) + "\n"


async def scenario_writers(args):
    """Several writers commit interleaved, out of key order, for a few seconds;
    every client gets every row exactly once."""
    recs = await open_recorders(args.port, args.clients)
    if not await wait_all(recs, lambda r: "Order" in r.snapshots, 15):
        fail("not every client got its snapshot")
    procs = []
    for w in range(args.writers):
        script = writer_script(args.key_base + w, args.rows, args.writers, True, args.hold_ms)
        p = subprocess.Popen(["psql", os.environ["DATABASE_URL"], "-X", "-q", "-v",
                              "ON_ERROR_STOP=1"],
                             stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
        procs.append((p, script))
    # feed them concurrently (each script is a series of transactions)
    started = time.monotonic()
    loop = asyncio.get_running_loop()
    results = await asyncio.gather(*(loop.run_in_executor(None, p.communicate, s)
                                     for p, s in procs))
    for (p, _), (_, err) in zip(procs, results):
        if p.returncode != 0:
            fail("a writer failed: " + err)
    writing = time.monotonic() - started
    expected = set(range(args.key_base, args.key_base + args.rows * args.writers))
    ok = await wait_all(recs, lambda r: expected <= {row.get("order_key") for _, e, row, _ in r.rows
                                                      if e == "Order"}, 20)
    await asyncio.sleep(1.0)  # anything sent twice arrives by now
    for r in recs:
        await r.stop()
    for r in recs:
        keys = [row.get("order_key") for _, e, row, _ in r.rows if e == "Order"]
        got = [k for k in keys if k in expected]
        missing = expected - set(got)
        dup = len(got) - len(set(got))
        if missing or dup:
            fail(f"client {r.name}: {len(missing)} rows missing (e.g. {sorted(missing)[:5]}), "
                 f"{dup} duplicates; ok={ok}")
    # rows a plain "id > last seen" poller would have skipped: an id lower than
    # one already delivered in an earlier message
    skipped, highest, last_msg, high_before = 0, 0, None, 0
    for _, e, row, msg in recs[0].rows:
        if e != "Order":
            continue
        if msg != last_msg:
            high_before, last_msg = highest, msg
        if row["id"] < high_before:
            skipped += 1
        highest = max(highest, row["id"])
    print(json.dumps({"rows": len(expected), "clients": len(recs), "writers": args.writers,
                      "seconds": round(writing, 1), "naive_would_skip": skipped}))
    if args.require_inversions and skipped == 0:
        fail("no row committed out of id order: the test did not exercise trap 7")


TYPED_ROWS = ("INSERT INTO samples (label, count, ratio, flag, day, moment, amount, extra, details,"
              " items) VALUES ('full', 9007199254740993, 0.1, true, '2024-02-29',"
              " '2024-05-01 12:00:00.5+02', 12345678901234567890.123456789, '\"text\"',"
              " '{\"a\": [1, {\"b\": null}]}', '[{\"x\": 1}]'),"
              " ('nulls', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),"
              " ('special', -5, 'NaN', false, '0001-01-01', '-infinity', 'NaN', '[1, 2.5e3]', '{}',"
              " '[]'), ('inf', 0, 'Infinity', NULL, NULL, NULL, '-0.000100', 'false', NULL, NULL);"
              " INSERT INTO tags (tag, weight) VALUES ('t1', 1);"
              " NOTIFY nomnom_changes;")

TYPED_EXPECT = {
    "full": {"count": 9007199254740993, "ratio": Decimal("0.1"), "flag": True,
             "day": "2024-02-29", "moment": "2024-05-01T10:00:00.5+00:00",
             "amount": Decimal("12345678901234567890.123456789"), "extra": "text",
             "details": {"a": [1, {"b": None}]}, "items": [{"x": 1}]},
    "nulls": {k: None for k in ("count", "ratio", "flag", "day", "moment", "amount", "extra",
                                "details", "items")},
    "special": {"count": -5, "ratio": "NaN", "flag": False, "day": "0001-01-01",
                "moment": "-infinity", "amount": "NaN", "extra": [1, 2500],
                "details": {}, "items": []},
    "inf": {"count": 0, "ratio": "Infinity", "amount": Decimal("-0.000100"), "extra": False},
}


async def scenario_types(args):
    """Each column is rendered with its JSON type: integers and floats and
    NUMERIC as numbers (exact digits), booleans, JSONB as JSON, timestamps in
    RFC 3339 UTC, NULL as null; NaN/Infinity, which JSON lacks, as strings.
    Also a table keyed by a uuid (followed by scanning) delivers its rows."""
    ws = await WSClient.connect(args.port)
    texts = []
    snapshots = set()
    deadline = time.monotonic() + 15
    psql_done = False
    labels = set()
    tags = []
    while time.monotonic() < deadline and (len(labels) < len(TYPED_EXPECT) or not tags):
        try:
            text = await ws.recv_text(0.5)
        except asyncio.TimeoutError:
            continue
        msg = json.loads(text, parse_float=Decimal)
        if msg["type"] == "snapshot":
            snapshots.add(msg["entity"])
            if snapshots >= {"Sample", "Tag"} and not psql_done:
                psql(TYPED_ROWS)
                psql_done = True
        if msg["type"] == "rows" and msg["entity"] == "Sample":
            texts.append(text)
            labels.update(r["label"] for r in msg["rows"])
        if msg["type"] == "rows" and msg["entity"] == "Tag":
            tags.extend(msg["rows"])
    ws.close()
    rows = {}
    for text in texts:
        for r in json.loads(text, parse_float=Decimal)["rows"]:
            rows[r["label"]] = r
    problems = []
    for label, expect in TYPED_EXPECT.items():
        row = rows.get(label)
        if row is None:
            problems.append(f"row {label} missing")
            continue
        for col, want in expect.items():
            got = row.get(col, "<absent>")
            if got != want or type(got) is not type(want):
                problems.append(f"{label}.{col}: got {got!r} expected {want!r}")
        if not isinstance(row.get("id"), int):
            problems.append(f"{label}.id is not an integer: {row.get('id')!r}")
        if not RFC3339.match(row.get("_ingested_at") or ""):
            problems.append(f"{label}._ingested_at is not RFC 3339: {row.get('_ingested_at')!r}")
    if '"amount":12345678901234567890.123456789' not in "".join(texts):
        problems.append("NUMERIC digits were not kept exactly")
    if len(tags) != 1 or not UUID.match(str(tags[0].get("id"))) or tags[0].get("weight") != 1:
        problems.append(f"the uuid-keyed table's row: {tags}")
    print(json.dumps({"rows": sorted(rows), "tags": len(tags)}))
    if problems:
        fail("; ".join(problems))


async def scenario_restart(args):
    """Rows are written continuously while PostgreSQL restarts: clients get an
    error, then every committed row exactly once."""
    recs = await open_recorders(args.port, args.clients)
    if not await wait_all(recs, lambda r: "Order" in r.snapshots, 15):
        fail("not every client got its snapshot")
    writer = subprocess.Popen([sys.executable, __file__, "write-loop", "--key-base",
                               str(args.key_base), "--seconds", str(args.seconds),
                               "--out", args.committed], stdout=subprocess.DEVNULL)
    await asyncio.sleep(args.seconds / 3)
    loop = asyncio.get_running_loop()
    restart = await loop.run_in_executor(None, lambda: subprocess.run(
        ["bash", "-c", args.restart_cmd], capture_output=True, text=True))
    if restart.returncode != 0:
        writer.kill()
        fail("restarting PostgreSQL failed: " + restart.stderr)
    await loop.run_in_executor(None, writer.wait)
    with open(args.committed) as f:
        committed = {int(line) for line in f if line.strip()}
    if not committed:
        fail("the writer committed nothing")
    if not await wait_all(recs, lambda r: r.errors, 1):
        fail("clients were not told the database was down")
    ok = await wait_all(recs, lambda r: committed <= {row.get("order_key") for _, e, row, _ in r.rows
                                                       if e == "Order"}, 30)
    await asyncio.sleep(1.0)
    for r in recs:
        await r.stop()
    for r in recs:
        keys = [row.get("order_key") for _, e, row, _ in r.rows if e == "Order"]
        got = [k for k in keys if k >= args.key_base]  # committed, and any whose COMMIT broke
        missing = committed - set(got)
        dup = len(got) - len(set(got))
        if missing or dup:
            fail(f"client {r.name}: {len(missing)} missing (e.g. {sorted(missing)[:5]}), "
                 f"{dup} duplicates, ok={ok}, errors={len(r.errors)}, closed={r.closed}")
        if r.closed:
            fail(f"client {r.name} lost its connection: {r.closed}")
    print(json.dumps({"committed": len(committed), "clients": len(recs),
                      "errors_seen": len(recs[0].errors)}))


def write_loop(args):
    """Insert rows one per transaction for a while, reconnecting through
    failures; write the keys whose COMMIT succeeded to --out."""
    deadline = time.monotonic() + args.seconds
    key = args.key_base
    with open(args.out, "w") as out:
        while time.monotonic() < deadline:
            try:
                s = Session()
                while time.monotonic() < deadline:
                    s.send(f"BEGIN; {order_values(key)}; NOTIFY nomnom_changes; COMMIT;")
                    s.sync()
                    out.write(f"{key}\n")
                    out.flush()
                    key += 1
                    time.sleep(0.01)
                s.close()
            except (RuntimeError, BrokenPipeError, OSError):
                key += 1  # its fate is unknown: never reuse the key
                time.sleep(0.2)
    return 0


def stalled_client(port):
    """A WebSocket client that completes the handshake and then never reads
    (a blocking socket with a small receive buffer, no event loop behind it)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(10)
    sock.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                  f"Sec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    if b" 101 " not in head.split(b"\r\n", 1)[0]:
        raise ConnectionError("handshake refused")
    return sock


def drain(sock, timeout):
    """Read what a stalled client was sent; (bytes, whether the server closed it)."""
    sock.settimeout(0.5)
    total, deadline = 0, time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            data = sock.recv(1 << 20)
        except socket.timeout:
            continue
        except ConnectionError:
            return total, True
        if not data:
            return total, True
        total += len(data)
    return total, False


async def scenario_slow(args):
    """A client that stops reading is dropped; the others keep receiving."""
    slow = stalled_client(args.port)
    dropped_before = metric(args.port, 'dashboard_ws_clients_dropped_total{reason="slow"}')
    fast = await open_recorders(args.port, args.clients)
    if not await wait_all(fast, lambda r: "Order" in r.snapshots, 15):
        fail("not every client got its snapshot")
    # lots of large rows: more than the socket buffers and the slow client's queue
    psql(f"INSERT INTO orders ({ORDER_COLUMNS}, comment) SELECT {args.key_base} + g, 1, 'O', 1.5,"
         f" '2024-01-02', 'x', 'c', 0, repeat('x', 16000) FROM generate_series(0, "
         f"{args.bulk - 1}) g; NOTIFY nomnom_changes;")
    wanted = set(range(args.key_base, args.key_base + args.bulk))
    if not await wait_all(fast, lambda r: wanted <= {row.get("order_key") for _, _, row, _ in r.rows},
                          60):
        fail("the fast clients did not get the bulk rows")
    # then one small row: it must reach the fast clients quickly
    probe = args.key_base + args.bulk + 10
    s = Session()
    s.sync()
    start = time.monotonic()
    s.send(f"BEGIN; {order_values(probe)}; NOTIFY nomnom_changes; COMMIT;")
    if not await wait_all(fast, lambda r: probe in {row.get("order_key") for _, _, row, _ in r.rows},
                          5):
        fail("the probe row did not reach the fast clients")
    took = time.monotonic() - start
    s.close()
    dropped = metric(args.port, 'dashboard_ws_clients_dropped_total{reason="slow"}') - dropped_before
    got, closed = await asyncio.get_running_loop().run_in_executor(None, drain, slow, 10)
    slow.close()
    for r in fast:
        await r.stop()
    print(json.dumps({"probe_ms": round(took * 1000, 1), "dropped": dropped,
                      "slow_client_closed": closed, "slow_client_bytes": got,
                      "bulk_bytes": args.bulk * 16000}))
    if dropped < 1 or not closed:
        fail("the slow client was not dropped")
    if got >= args.bulk * 16000:
        fail("the slow client got everything: it was not slow")
    if took > 1:
        fail(f"the probe took {took:.1f} s")


def metric(port, name):
    """The value of one series of GET /metrics (0 when absent)."""
    import urllib.request
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
        for line in r.read().decode().splitlines():
            if line.startswith(name + " "):
                return float(line.split()[-1])
    return 0.0


async def scenario_upsert(args):
    """An upsert that updates a row already sent (and far below the newest
    ids) sends it again, through the scan for updates; written from one
    long-lived session, as the worker does."""
    ws = await WSClient.connect(args.port)
    rec = Recorder(ws)
    if not await rec.wait_for(lambda: "Order" in rec.snapshots, 10):
        fail("no snapshot")
    key = args.key_base
    s = Session()
    s.send(order_values(key, "first") + "; NOTIFY nomnom_changes;")
    s.sync()
    if not await rec.wait_for(lambda: any(r.get("comment") == "first" for _, _, r, _ in rec.rows), 5):
        fail("the row did not arrive")
    # newer rows, so that the first one falls below the horizon
    for i in range(5):
        s.send(f"INSERT INTO orders ({ORDER_COLUMNS}) SELECT {key} + 10 * {i} + g, 1, 'O', 1.5, "
               f"'2024-01-02', 'x', 'c', 0 FROM generate_series(1, 10) g; NOTIFY nomnom_changes;")
        s.sync()
        await asyncio.sleep(0.3)
    scans = metric(args.port, 'dashboard_update_scans_total{entity="Order"}')
    took = {}
    # with NOTIFY (as the worker sends), then without (a plain SQL writer: found
    # through the table statistics, which a session publishes at most once a
    # second)
    for comment, notify in (("second", True), ("third", False)):
        await asyncio.sleep(1.2)
        s.send(f"INSERT INTO orders ({ORDER_COLUMNS}, comment) VALUES ({key}, 1, 'F', 2.5, "
               f"'2024-01-02', 'x', 'c', 0, '{comment}') ON CONFLICT (order_key) DO UPDATE SET "
               f"comment = EXCLUDED.comment, order_status = EXCLUDED.order_status;"
               + (" NOTIFY nomnom_changes;" if notify else ""))
        s.sync()
        start = time.monotonic()
        if not await rec.wait_for(lambda c=comment: any(r.get("comment") == c
                                                        for _, _, r, _ in rec.rows),
                                  args.timeout):
            fail(f"the updated row ({comment}, notify {notify}) was not sent again")
        took[comment] = round(time.monotonic() - start, 2)
    scanned = metric(args.port, 'dashboard_update_scans_total{entity="Order"}') - scans
    await asyncio.sleep(0.5)
    s.close()
    await rec.stop()
    versions = [r for _, _, r, _ in rec.rows if r.get("order_key") == key]
    print(json.dumps({"versions": [v["comment"] for v in versions], "seconds": took,
                      "update_scans": scanned}))
    if len(versions) != 3 or len({v["id"] for v in versions}) != 1:
        fail(f"expected three versions of one row: {versions}")
    if versions[1]["order_status"] != "F":
        fail("the second version is not the updated row")
    if took["second"] > 1:
        fail(f"with NOTIFY the update took {took['second']} s")


async def scenario_shutdown(args):
    """SIGTERM: every client gets a close frame with code 1001."""
    recs = await open_recorders(args.port, args.clients)
    if not await wait_all(recs, lambda r: r.snapshots, 15):
        fail("no snapshots")
    os.kill(args.pid, 15)
    ok = await wait_all(recs, lambda r: r.closed is not None, 10)
    codes = [r.closed for r in recs]
    for r in recs:
        await r.stop()
    print(json.dumps({"closed": codes}))
    if not ok or any(c != ("closed", 1001) for c in codes):
        fail(f"clients were not closed with 1001: {codes}")


async def scenario_ping(args):
    """A silent connection is pinged by the server (and kept when it answers)."""
    ws = await WSClient.connect(args.port)
    rec = Recorder(ws)
    await asyncio.sleep(args.seconds)
    pings = ws.pings
    closed = rec.closed
    await rec.stop()
    print(json.dumps({"pings": pings, "closed": closed}))
    if pings < 1 or closed:
        fail(f"pings {pings}, closed {closed}")


async def scenario_error_on_connect(args):
    """While the database is down a new client gets the last snapshots and is
    told the database is unavailable."""
    ws = await WSClient.connect(args.port)
    rec = Recorder(ws)
    ok = await rec.wait_for(lambda: rec.errors and rec.snapshots, 10)
    await rec.stop()
    print(json.dumps({"errors": rec.errors, "kinds": rec.kinds}))
    if not ok:
        fail("no snapshot and error message")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("scenario")
    p.add_argument("--port", type=int)
    p.add_argument("--clients", type=int, default=3)
    p.add_argument("--entities", default="")
    p.add_argument("--entity", default="Order")
    p.add_argument("--expect", type=int, default=0)
    p.add_argument("--newest", type=int)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--notify", action="store_true")
    p.add_argument("--limit-ms", type=float, default=1000)
    p.add_argument("--median-limit-ms", type=float, default=0)
    p.add_argument("--key-base", type=int, default=1000000)
    p.add_argument("--writers", type=int, default=2)
    p.add_argument("--rows", type=int, default=200)
    p.add_argument("--hold-ms", type=float, default=50)
    p.add_argument("--require-inversions", action="store_true")
    p.add_argument("--sql", default="")
    p.add_argument("--seconds", type=float, default=6)
    p.add_argument("--out", default="")
    p.add_argument("--committed", default="")
    p.add_argument("--restart-cmd", default="")
    p.add_argument("--bulk", type=int, default=1500)
    p.add_argument("--timeout", type=float, default=10)
    p.add_argument("--pid", type=int)
    args = p.parse_args()
    if args.scenario == "write-loop":
        sys.exit(write_loop(args))
    fn = globals().get("scenario_" + args.scenario.replace("-", "_"))
    if not fn:
        fail("unknown scenario " + args.scenario)
    asyncio.run(fn(args))


if __name__ == "__main__":
    main()
