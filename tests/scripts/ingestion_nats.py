#!/usr/bin/env python3
"""ingestion_nats.py - reads JetStream streams for the ingestion API tests.

A minimal NATS client on a plain socket (standard library only), enough to
call the JetStream API: stream info and direct message reads.

  ingestion_nats.py URL count STREAM            messages in the stream
  ingestion_nats.py URL last STREAM SUBJECT     the newest message on SUBJECT
  ingestion_nats.py URL get STREAM SEQ          the message at SEQ
  ingestion_nats.py URL all STREAM              every message, one JSON per line

A message is printed as JSON: {"seq", "subject", "headers": {...},
"data": <the payload parsed as JSON, or the text when it is not JSON>}.
URL is nats://host:port. Exit status 1 with a message on any error.
"""

import base64
import json
import socket
import sys
import time
import urllib.parse


class Nats:
    def __init__(self, url, timeout=5.0):
        parts = urllib.parse.urlparse(url)
        self.sock = socket.create_connection((parts.hostname, parts.port or 4222), timeout)
        self.sock.settimeout(timeout)
        self.buf = b""
        self.sid = 0
        info = self._line()
        if not info.startswith(b"INFO "):
            raise RuntimeError("not a NATS server: %r" % info[:40])
        connect = {"verbose": False, "pedantic": False, "headers": True,
                   "no_responders": True, "protocol": 1, "name": "ingestion-test"}
        self._send(b"CONNECT " + json.dumps(connect).encode() + b"\r\nPING\r\n")
        while True:
            line = self._line()
            if line == b"PONG":
                return
            if line.startswith(b"-ERR"):
                raise RuntimeError(line.decode(errors="replace"))

    def _send(self, data):
        self.sock.sendall(data)

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise RuntimeError("connection closed by the server")
        self.buf += chunk

    def _line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _bytes(self, n):
        while len(self.buf) < n + 2:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def request(self, subject, payload, timeout=5.0):
        """Send payload to subject, return the body of the first reply."""
        self.sid += 1
        inbox = "_INBOX.ingestion_test.%d" % self.sid
        body = payload.encode() if isinstance(payload, str) else payload
        self._send(b"SUB %s %d\r\nUNSUB %d 1\r\nPUB %s %s %d\r\n%s\r\n" % (
            inbox.encode(), self.sid, self.sid, subject.encode(), inbox.encode(),
            len(body), body))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self._line()
            if line == b"PING":
                self._send(b"PONG\r\n")
            elif line.startswith(b"MSG "):
                size = int(line.split()[-1])
                return self._bytes(size)
            elif line.startswith(b"HMSG "):
                fields = line.split()
                header_size, total = int(fields[-2]), int(fields[-1])
                data = self._bytes(total)
                headers = data[:header_size]
                if b"503" in headers.split(b"\r\n", 1)[0]:
                    raise RuntimeError("no responders on %s (JetStream down?)" % subject)
                return data[header_size:]
            elif line.startswith(b"-ERR"):
                raise RuntimeError(line.decode(errors="replace"))
        raise RuntimeError("no reply on %s" % subject)

    def api(self, what, payload=""):
        reply = json.loads(self.request("$JS.API." + what, payload))
        if "error" in reply:
            raise RuntimeError("%s: %s" % (what, reply["error"]))
        return reply


def parse_headers(block):
    headers = {}
    for line in block.split("\r\n")[1:]:
        if ":" in line:
            key, value = line.split(":", 1)
            headers[key.strip()] = value.strip()
    return headers


def decode_message(reply):
    msg = reply["message"]
    raw = base64.b64decode(msg.get("data", ""))
    text = raw.decode("utf-8", errors="replace")
    try:
        data = json.loads(text)
    except ValueError:
        data = text
    headers = parse_headers(base64.b64decode(msg["hdrs"]).decode()) if msg.get("hdrs") else {}
    return {"seq": msg["seq"], "subject": msg["subject"], "headers": headers, "data": data}


def main(argv):
    if len(argv) < 4:
        sys.stderr.write(__doc__)
        return 2
    nats = Nats(argv[1])
    command, stream = argv[2], argv[3]
    if command == "count":
        print(nats.api("STREAM.INFO." + stream)["state"]["messages"])
    elif command == "last":
        reply = nats.api("STREAM.MSG.GET." + stream, json.dumps({"last_by_subj": argv[4]}))
        print(json.dumps(decode_message(reply)))
    elif command == "get":
        reply = nats.api("STREAM.MSG.GET." + stream, json.dumps({"seq": int(argv[4])}))
        print(json.dumps(decode_message(reply)))
    elif command == "all":
        state = nats.api("STREAM.INFO." + stream)["state"]
        for seq in range(state["first_seq"], state["last_seq"] + 1):
            try:
                reply = nats.api("STREAM.MSG.GET." + stream, json.dumps({"seq": seq}))
            except RuntimeError:
                continue  # deleted
            print(json.dumps(decode_message(reply)))
    else:
        sys.stderr.write("unknown command %s\n" % command)
        return 2
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except (OSError, RuntimeError, ValueError, KeyError) as err:
        sys.stderr.write("ingestion_nats.py: %s\n" % err)
        sys.exit(1)
