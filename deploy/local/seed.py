#!/usr/bin/env python3
"""deploy/local/seed.py - posts generated orders (1-5 line items each) to the
ingestion API over keep-alive connections, retrying 503s, and reports how many
were accepted. Also the load generator of the end-to-end test and benchmark.

    seed.py --url http://127.0.0.1:8080 --count N --example order.example.json
            [--first-key K] [--concurrency C] [--rate R] [--accepted FILE]

--rate R spreads the posts evenly at R orders/s in total (default: as fast as
possible). --accepted FILE gets one line per accepted order:
"ORDER_KEY<TAB>LINE_ITEMS<TAB>SENT_UNIX_TIME".
"""
import argparse
import copy
import http.client
import json
import random
import sys
import threading
import time
import urllib.parse


def make_order(example, key, rng):
    order = copy.deepcopy(example)
    order["order_key"] = key
    order["customer_key"] = rng.randint(1, 1500)
    template = example["line_items"][0]
    items = []
    for n in range(1, rng.randint(1, 5) + 1):
        item = copy.deepcopy(template)
        item.update(line_number=n, part_key=rng.randint(1, 2000), quantity=rng.randint(1, 50),
                    extended_price=round(rng.uniform(900, 95000), 2))
        items.append(item)
    order["line_items"] = items
    order["total_price"] = round(sum(i["extended_price"] for i in items), 2)
    return order


class Poster:
    def __init__(self, url):
        parts = urllib.parse.urlsplit(url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.conn = None

    def post(self, order, attempts=50):
        body = json.dumps(order).encode()
        headers = {"Content-Type": "application/json",
                   "Idempotency-Key": f"order-{order['order_key']}"}
        for attempt in range(attempts):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
                self.conn.request("POST", "/ingest/Order", body=body, headers=headers)
                resp = self.conn.getresponse()
                resp.read()
                if resp.status != 503:
                    return resp.status
            except (OSError, http.client.HTTPException):
                self.conn = None
            time.sleep(min(0.05 * (attempt + 1), 1.0))
        return 503


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--example", required=True)
    ap.add_argument("--first-key", type=int, default=None)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--rate", type=float, default=0)
    ap.add_argument("--accepted", default=None)
    args = ap.parse_args()

    example = json.load(open(args.example))
    rng = random.Random(args.first_key)
    first = args.first_key if args.first_key is not None else int(time.time() * 1000) % 10**12 * 10
    orders = [make_order(example, first + i, rng) for i in range(args.count)]
    results = [None] * len(orders)
    start = time.monotonic()
    next_index = iter(range(len(orders)))
    lock = threading.Lock()

    def worker():
        poster = Poster(args.url)
        while True:
            with lock:
                i = next(next_index, None)
            if i is None:
                return
            if args.rate:
                delay = start + i / args.rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            sent = time.time()
            results[i] = (poster.post(orders[i]), sent)

    threads = [threading.Thread(target=worker) for _ in range(max(1, args.concurrency))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start

    accepted = [(o, r[1]) for o, r in zip(orders, results) if r and r[0] == 202]
    if args.accepted:
        with open(args.accepted, "w") as fh:
            for order, sent in accepted:
                fh.write(f"{order['order_key']}\t{len(order['line_items'])}\t{sent:.6f}\n")
    codes = {}
    for r in results:
        codes[r[0]] = codes.get(r[0], 0) + 1
    print(f"seed: {len(accepted)} of {args.count} orders accepted in {elapsed:.1f} s "
          f"({len(accepted) / elapsed:.0f}/s); status codes {codes}")
    return 0 if len(accepted) == args.count else 1


if __name__ == "__main__":
    sys.exit(main())
