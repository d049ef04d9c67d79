#!/usr/bin/env python3
"""envelopes.py - message envelopes for tests/scripts/test_worker.sh, and checks.

Each "print" command writes lines for `jsutil publish`: SUBJECT<TAB>ID<TAB>ENVELOPE.

    envelopes.py order KEY ID [CLERK] [QUANTITY]   one Order with 2 line items
    envelopes.py poison FIRST                       orders FIRST..FIRST+5 with poison among them
    envelopes.py types                              one message of each entity, every type at its edges
    envelopes.py check-types                        reads `row_to_json` lines (stdin), compares with `types`
    envelopes.py check-dlq                          reads DLQ documents (stdin), prints "subject|id|error"
"""
import datetime
import decimal
import json
import sys

RECEIVED_AT = "2024-05-01T12:00:00.123Z"


def line(entity, payload, message_id, subject=None, entity_type=None, raw=None):
    envelope = raw if raw is not None else json.dumps({
        "message_id": message_id,
        "entity_type": entity_type or entity,
        "received_at": RECEIVED_AT,
        "source": "test-worker",
        "payload": payload,
    }, ensure_ascii=False, separators=(",", ":"))
    return f"{subject or 'messages.ingest.' + entity}\t{message_id or '-'}\t{envelope}"


def uuid(n, group=0xabc):
    return f"{group:08x}-0000-4000-8000-{n:012x}"


def item(number, quantity=4):
    return {"line_number": number, "part_key": 100 + number, "supplier_key": 7,
            "quantity": quantity, "extended_price": 10.5 * number, "discount": 0.05,
            "tax": 0.02, "return_flag": "N", "line_status": "O", "ship_date": "1996-02-12",
            "ship_mode": "TRUCK", "is_gift": False}


def order(key, clerk="Clerk#1", quantity=4, items=2):
    return {"order_key": key, "customer_key": 42, "order_status": "O", "total_price": 173665.47,
            "order_date": "1996-01-02", "order_priority": "5-LOW", "clerk": clerk,
            "ship_priority": 0, "is_rush": True, "placed_at": "1996-01-02T10:00:00Z",
            "comment": "first", "line_items": [item(n + 1, quantity) for n in range(items)]}


def cmd_order(args):
    key, message_id = int(args[0]), args[1]
    clerk = args[2] if len(args) > 2 else "Clerk#1"
    quantity = int(args[3]) if len(args) > 3 else 4
    print(line("Order", order(key, clerk, quantity), message_id))


def cmd_poison(args):
    first = int(args[0])
    bad_item = order(first + 1)
    bad_item["line_items"][0]["quantity"] = "four"
    out = [
        line("Order", order(first), uuid(first, 0x90)),
        line("Order", bad_item, uuid(first + 1, 0x90)),                      # invalid payload
        line("Order", None, uuid(first + 2, 0x90), raw='{"message_id": "oops'),  # not JSON
        line("Order", order(first + 3), uuid(first + 3, 0x90), entity_type="Invoice"),  # unknown
        line("Order", order(first + 4), uuid(first + 4, 0x90)),
        line("Order", order(first + 5), uuid(first + 5, 0x90)),
    ]
    print("\n".join(out))


# Values at the edges of every type, one message per entity.
TYPES = {
    "Customer": {"customer_key": 9223372036854775807, "name": "O'Brien \"the\" \\ \u00e9t\u00e9 \u65e5\u672c \U0001F600",
                 "address": "line 1\nline 2\ttab, {braces}, \"quoted\"", "nation_key": -9223372036854775808,
                 "phone": "", "account_balance": "12345678901234567890.123456789",
                 "market_segment": "NULL", "comment": None},
    "Product": {"part_key": 0, "name": "{\"not\": \"json\"}", "manufacturer": "Manufacturer#1",
                "brand": "Brand#13", "part_type": "PROMO", "size": -1, "container": "JUMBO PKG",
                "retail_price": 0.1, "attributes": {"colors": ["red", "vert \u00e9"], "nested": {"n": 1.5, "t": True, "z": None},
                                                     "quote": "a \"b\" \\ c"},
                "comment": "x"},
    "Order": {"order_key": -9223372036854775808, "customer_key": 1, "order_status": "F",
              "total_price": 1.7976931348623157e308, "order_date": "2024-02-29",
              "order_priority": "1-URGENT", "clerk": "Clerk#000000951", "ship_priority": 2147483648,
              "is_rush": False, "placed_at": "2024-02-29T12:30:00.250+02:00", "comment": None,
              "line_items": [
                  {"line_number": 1, "part_key": 1, "supplier_key": 2, "quantity": 3,
                   "extended_price": -2.5e-300, "discount": 0, "tax": 5e-324, "return_flag": "R",
                   "line_status": "F", "ship_date": "0001-01-01", "ship_mode": None, "is_gift": True},
                  {"line_number": 2, "part_key": 1, "supplier_key": 2, "quantity": 0,
                   "extended_price": 123456789.125, "discount": 0.3333333333333333, "tax": 1,
                   "return_flag": "A", "line_status": "O", "ship_date": "9999-12-31",
                   "is_gift": False}]},
}


def cmd_types(args):
    for n, (entity, payload) in enumerate(TYPES.items()):
        print(line(entity, payload, uuid(n, 0x7e)))


def same(expected, got, kind):
    if expected is None:
        return got is None
    if kind == "datetime":
        return datetime.datetime.fromisoformat(expected.replace("Z", "+00:00")) == \
            datetime.datetime.fromisoformat(got)
    if kind == "decimal":
        return decimal.Decimal(expected) == got
    if isinstance(expected, float) or kind == "float":
        return float(expected) == float(got)
    return expected == got


KINDS = {"placed_at": "datetime", "account_balance": "decimal", "total_price": "float",
         "extended_price": "float", "discount": "float", "tax": "float", "retail_price": "float"}


def cmd_check_types(args):
    """stdin: lines TABLE<TAB>row_to_json; exit 1 listing every difference."""
    expected = {"customers": [TYPES["Customer"]], "products": [TYPES["Product"]],
                "orders": [TYPES["Order"]], "order_line_items": TYPES["Order"]["line_items"]}
    problems, seen = [], 0
    for raw in sys.stdin:
        table, text = raw.rstrip("\n").split("\t", 1)
        row = json.loads(text, parse_float=decimal.Decimal)
        key = {"order_line_items": "line_number"}.get(table)
        want = expected[table][row[key] - 1] if key else expected[table][0]
        for field, value in want.items():
            if field == "line_items":
                continue
            got = row.get(field)
            if isinstance(got, decimal.Decimal) and KINDS.get(field) != "decimal":
                got = float(got)
            if not same(value, got, KINDS.get(field)):
                problems.append(f"{table}.{field}: sent {value!r}, stored {got!r}")
        seen += 1
    if seen != 5:
        problems.append(f"expected 5 rows, read {seen}")
    print("\n".join(problems) or "every value round-trips")
    return 1 if problems else 0


def cmd_check_dlq(args):
    """stdin: `jsutil dump MESSAGES_DLQ`; prints SUBJECT|ID|ATTEMPTS|ERROR|HAS-FAILED_AT."""
    for raw in sys.stdin:
        subject, text = raw.rstrip("\n").split("\t", 1)
        doc = json.loads(text)
        envelope = doc.get("envelope")
        mid = envelope.get("message_id") if isinstance(envelope, dict) else "-"
        print(f"{subject}|{mid}|{doc.get('attempts')}|{doc.get('error')}|{'failed_at' in doc}")
    return 0


if __name__ == "__main__":
    commands = {"order": cmd_order, "poison": cmd_poison, "types": cmd_types,
                "check-types": cmd_check_types, "check-dlq": cmd_check_dlq}
    sys.exit(commands[sys.argv[1]](sys.argv[2:]) or 0)
