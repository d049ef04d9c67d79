#!/usr/bin/env python3
"""deploy/local/seed.py - posts N generated orders (1-5 line items each) to the
ingestion API, a few at a time, and reports how many were accepted."""
import argparse
import concurrent.futures
import copy
import json
import random
import sys
import time
import urllib.error
import urllib.request


def make_order(example, key, rng):
    order = copy.deepcopy(example)
    order["order_key"] = key
    order["customer_key"] = rng.randint(1, 1500)
    items = []
    template = example["line_items"][0]
    for n in range(1, rng.randint(1, 5) + 1):
        item = copy.deepcopy(template)
        item.update(line_number=n, part_key=rng.randint(1, 2000), quantity=rng.randint(1, 50),
                    extended_price=round(rng.uniform(900, 95000), 2))
        items.append(item)
    order["line_items"] = items
    order["total_price"] = round(sum(i["extended_price"] for i in items), 2)
    return order


def post(url, order):
    req = urllib.request.Request(url + "/ingest/Order", data=json.dumps(order).encode(),
                                 headers={"Content-Type": "application/json",
                                          "Idempotency-Key": f"seed-order-{order['order_key']}"})
    for attempt in range(5):
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status
        except urllib.error.HTTPError as e:
            if e.code != 503:
                return e.code
        except OSError:
            pass
        time.sleep(0.2 * (attempt + 1))
    return 503


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--url", required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--example", required=True)
    ap.add_argument("--first-key", type=int, default=None)
    args = ap.parse_args()
    example = json.load(open(args.example))
    rng = random.Random()
    first = args.first_key if args.first_key is not None else int(time.time() * 1000) % 10**12 * 10
    orders = [make_order(example, first + i, rng) for i in range(args.count)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        codes = list(pool.map(lambda o: post(args.url, o), orders))
    accepted = sum(1 for c in codes if c == 202)
    print(f"seed: {accepted} of {args.count} orders accepted")
    return 0 if accepted == args.count else 1


if __name__ == "__main__":
    sys.exit(main())
