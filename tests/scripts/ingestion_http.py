#!/usr/bin/env python3
"""ingestion_http.py - HTTP checks of the ingestion API that need more than curl.

  ingestion_http.py post-dir BASE ENTITY DIR...    POST every file of the folders;
                                                   prints "status count" lines, then
                                                   each file not answered 400
  ingestion_http.py write-invalid-utf8 DIR ORDER   write our own invalid UTF-8 cases (and
                                                   ORDER with a stray byte) into DIR
  ingestion_http.py concurrent BASE N ORDER_FILE   N simultaneous POSTs of the order
                                                   (distinct order keys); prints JSON
                                                   {"statuses": {...}, "ids": [...]}
  ingestion_http.py openapi BASE ENTITY...         check /openapi.json: OpenAPI 3.1,
                                                   one POST per listed entity and no
                                                   other, every $ref resolves
BASE is http://127.0.0.1:PORT. Exit status 0 when the check holds.
"""

import collections
import http.client
import json
import os
import sys
import threading
import urllib.parse


def connect(base, timeout=30):
    parts = urllib.parse.urlparse(base)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)


def post(base, path, body, headers=None):
    conn = connect(base)
    try:
        all_headers = {"Content-Type": "application/json"}
        all_headers.update(headers or {})
        conn.request("POST", path, body=body, headers=all_headers)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def post_dir(base, entity, folders):
    counts = collections.Counter()
    unexpected = []
    for folder in folders:
        for name in sorted(os.listdir(folder)):
            with open(os.path.join(folder, name), "rb") as f:
                body = f.read()
            try:
                status, reply = post(base, "/ingest/" + entity, body)
            except (OSError, http.client.HTTPException) as err:
                status, reply = 0, str(err).encode()
            counts[status] += 1
            if status != 400:
                unexpected.append("%s: %d %s" % (name, status, reply[:200]))
    for status in sorted(counts):
        print("%d %d" % (status, counts[status]))
    for line in unexpected:
        print("unexpected " + line)
    return 0 if not unexpected else 1


# Invalid UTF-8 in every place a parser meets bytes (the JSONTestSuite cases
# that cannot be recovered from text, and a few more), written by this test.
INVALID_UTF8 = {
    "own_array_a_invalid_utf8.json": b"[a\xe5]",
    "own_array_invalid_utf8.json": b"[\xff]",
    "own_number_invalid_utf8_in_bigger_int.json": b"[123\xe5]",
    "own_number_invalid_utf8_in_exponent.json": b"[1e1\xe5]",
    "own_number_invalid_utf8_in_int.json": b"[0\xe5]\n",
    "own_number_real_invalid_utf8_after_e.json": b"[1e\xe5]",
    "own_object_lone_continuation_byte_in_key.json": b'{"\xb9":"0",}',
    "own_object_lone_continuation_byte_in_key_valid.json": b'{"\xb9":"0"}',
    "own_string_invalid_utf8_in_escape.json": b'["\\u\xe5"]',
    "own_string_invalid_utf8_after_escape.json": b'["\\\xe5"]',
    "own_structure_incomplete_utf8_bom.json": b"\xef\xbb{}",
    "own_structure_lone_invalid_utf8.json": b"\xe5",
    "own_structure_single_eacute.json": b"\xe9",
    "own_string_overlong_slash.json": b'{"clerk":"\xc0\xaf"}',
    "own_string_encoded_surrogate.json": b'{"clerk":"\xed\xa0\x80"}',
    "own_string_beyond_u10ffff.json": b'{"clerk":"\xf4\x90\x80\x80"}',
    "own_string_truncated_sequence.json": b'{"clerk":"\xe2\x82"}',
}


def write_invalid_utf8(folder, order_file):
    os.makedirs(folder, exist_ok=True)
    for name, data in INVALID_UTF8.items():
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)
    # a complete, valid Order but for one string holding a stray byte
    with open(order_file, "rb") as f:
        order = f.read()
    needle = b'"example clerk"'
    if needle in order:
        with open(os.path.join(folder, "own_order_with_invalid_utf8.json"), "wb") as f:
            f.write(order.replace(needle, b'"example \xff clerk"'))
    return 0


def concurrent(base, count, order_file):
    with open(order_file) as f:
        order = json.load(f)
    barrier = threading.Barrier(count)
    results = [None] * count

    def worker(i):
        body = dict(order, order_key=900000 + i)
        payload = json.dumps(body).encode()
        conn = connect(base, timeout=60)
        try:
            conn.connect()
            barrier.wait(timeout=30)
            conn.request("POST", "/ingest/Order", body=payload,
                         headers={"Content-Type": "application/json"})
            resp = conn.getresponse()
            results[i] = (resp.status, resp.read().decode(errors="replace"))
        except (OSError, http.client.HTTPException, threading.BrokenBarrierError) as err:
            results[i] = (0, str(err))
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = collections.Counter(str(status) for status, _ in results)
    ids = []
    for status, body in results:
        if status == 202:
            ids.append(json.loads(body)["message_id"])
    print(json.dumps({"statuses": statuses, "ids": ids}))
    return 0


def resolve(doc, ref):
    node = doc
    for part in ref.lstrip("#/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def openapi(base, entities):
    conn = connect(base)
    conn.request("GET", "/openapi.json")
    resp = conn.getresponse()
    text = resp.read()
    problems = []
    if resp.status != 200:
        problems.append("status %d" % resp.status)
    doc = json.loads(text)
    if doc.get("openapi") != "3.1.0":
        problems.append("openapi is %r" % doc.get("openapi"))
    for key in ("info", "paths", "components"):
        if key not in doc:
            problems.append("no %s" % key)
    posts = sorted(path for path, item in doc.get("paths", {}).items() if "post" in item)
    wanted = sorted("/ingest/" + name for name in entities)
    if posts != wanted:
        problems.append("POST operations %s, expected %s" % (posts, wanted))
    ids = [item[m]["operationId"] for item in doc["paths"].values() for m in item]
    if len(ids) != len(set(ids)):
        problems.append("operationIds are not unique")
    for name in entities:
        op = doc["paths"].get("/ingest/" + name, {}).get("post", {})
        schema = op.get("requestBody", {}).get("content", {}).get("application/json", {})
        schema = schema.get("schema", {})
        target = resolve(doc, schema.get("$ref", "")) if "$ref" in schema else None
        if not target or target.get("type") != "object" or not target.get("properties"):
            problems.append("%s: no object schema for the request body" % name)
        for code in ("202", "400", "413", "415", "503"):
            if code not in op.get("responses", {}):
                problems.append("%s: no %s response" % (name, code))
    for ref in set(refs(doc)):
        if resolve(doc, ref) is None:
            problems.append("unresolved $ref " + ref)
    for line in problems:
        print(line)
    print("operations: " + " ".join(posts))
    return 0 if not problems else 1


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    command = argv[1]
    if command == "post-dir":
        return post_dir(argv[2], argv[3], argv[4:])
    if command == "write-invalid-utf8":
        return write_invalid_utf8(argv[2], argv[3])
    if command == "concurrent":
        return concurrent(argv[2], int(argv[3]), argv[4])
    if command == "openapi":
        return openapi(argv[2], argv[3:])
    sys.stderr.write("unknown command %s\n" % command)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
