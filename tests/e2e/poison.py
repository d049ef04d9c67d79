#!/usr/bin/env python3
"""tests/e2e/poison.py - publishes one envelope straight to JetStream, past the
ingestion API (as a buggy or hostile producer would), and prints its PubAck.

    poison.py NATS_URL SUBJECT MESSAGE_ID ENVELOPE_JSON
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "scripts"))
from ingestion_nats import Nats  # noqa: E402


def main(argv):
    if len(argv) != 5:
        sys.stderr.write(__doc__)
        return 2
    nats = Nats(argv[1])
    print(nats.request(argv[2], argv[4]).decode())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
