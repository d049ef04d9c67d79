#!/usr/bin/python3
"""tests/e2e/ws_watch.py - a dashboard client for the end-to-end test and
benchmark: connects to WS /ws, reconnects when dropped, and records when each
row of one entity is first seen (from snapshots and live rows).

    ws_watch.py --url ws://127.0.0.1:3000/ws --entity Order --key order_key \
                --out seen.tsv [--seconds 60] [--until-count N]

Writes "KEY<TAB>UNIX_TIME_SECONDS" lines for every key seen, once each, and
counts the rows it received more than once ("duplicates", a live row repeated
outside a snapshot) on the last line as "#duplicates N". Uses Debian's
python3-websockets, so run it with /usr/bin/python3.
"""
import argparse
import asyncio
import json
import signal
import time

import websockets


async def watch(args, seen, stats, stop):
    deadline = time.monotonic() + args.seconds
    while not stop.is_set() and time.monotonic() < deadline:
        try:
            async with websockets.connect(args.url, max_size=None, open_timeout=5) as ws:
                stats["connects"] += 1
                while not stop.is_set() and time.monotonic() < deadline:
                    try:
                        raw = await asyncio.wait_for(ws.recv(), timeout=0.5)
                    except asyncio.TimeoutError:
                        continue
                    now = time.time()
                    msg = json.loads(raw)
                    if msg.get("entity") != args.entity or msg.get("type") not in ("snapshot", "rows"):
                        continue
                    for row in msg.get("rows", []):
                        key = row.get(args.key)
                        if key in seen:
                            if msg["type"] == "rows":
                                stats["repeats"] += 1
                            continue
                        seen[key] = now
                    if args.until_count and len(seen) >= args.until_count:
                        stop.set()
        except (OSError, websockets.exceptions.WebSocketException, asyncio.TimeoutError):
            await asyncio.sleep(0.2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--entity", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--until-count", type=int, default=0)
    args = ap.parse_args()
    seen, stats = {}, {"connects": 0, "repeats": 0}
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    loop.run_until_complete(watch(args, seen, stats, stop))
    with open(args.out, "w") as fh:
        for key, t in seen.items():
            fh.write(f"{key}\t{t:.6f}\n")
        fh.write(f"#repeats {stats['repeats']}\n#connects {stats['connects']}\n")


if __name__ == "__main__":
    main()
