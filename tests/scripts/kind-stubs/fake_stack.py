#!/usr/bin/env python3
"""fake_stack.py PORT STATE_DIR - what kind.sh's port-forwards reach in
test_deploy.sh's dry run: GET /health, POST /ingest/{Entity} (202, counted in
STATE_DIR/ingested), GET /api/stats (the count as processed Order rows)."""
import http.server
import json
import os
import sys

port, state = int(sys.argv[1]), sys.argv[2]
counter = os.path.join(state, "ingested")


def ingested():
    try:
        return int(open(counter).read())
    except (OSError, ValueError):
        return 0


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, code, doc):
        body = json.dumps(doc).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/health":
            self.reply(200, {"status": "ok"})
        elif self.path == "/api/stats":
            n = ingested()
            self.reply(200, {"entities": [{"name": "Order", "count": n}, {"name": "Customer", "count": 0}],
                             "message_status": {"processed": n, "failed": 0}})
        else:
            self.reply(404, {"error": "not_found"})

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if not self.path.startswith("/ingest/") or self.headers.get("Content-Type") != "application/json":
            self.reply(400, {"error": "bad_request"})
            return
        json.loads(body)
        with open(counter, "w") as f:
            f.write(str(ingested() + 1))
        self.reply(202, {"message_id": "00000000-0000-4000-8000-000000000000", "status": "accepted"})


http.server.HTTPServer(("127.0.0.1", port), Handler).serve_forever()
