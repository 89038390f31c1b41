"""A webhook receiver for the tests: verifies every request with the Standard Webhooks reference
library (PyPI `standardwebhooks`), answers 401 to a bad signature, and prints one JSON line per
verified message on stdout: {"webhookId", "type", "data", "status", "timestamp"}.

  python webhook_receiver.py --secret whsec_... [--fail-first N] [--redirect-to URL]

The first line printed is {"listening": PORT} (it binds 127.0.0.1 on a free port). The secret can
also come later: a line "secret whsec_..." on stdin sets it (a subscription's secret is only known
once it is created, which needs the receiver's URL)."""

import argparse
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

parser = argparse.ArgumentParser()
parser.add_argument("--secret", default=None)
parser.add_argument("--fail-first", type=int, default=0)
parser.add_argument("--redirect-to", default=None)
args = parser.parse_args()

state = {"secret": args.secret, "seen": 0}
lock = threading.Lock()


def emit(obj):
    with lock:
        sys.stdout.write(json.dumps(obj) + "\n")
        sys.stdout.flush()


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        headers = {k.lower(): v for k, v in self.headers.items()}
        if not state["secret"]:
            return self.answer(503)
        try:
            payload = Webhook(state["secret"]).verify(body, headers)
        except WebhookVerificationError as e:
            emit({"rejected": str(e), "webhookId": headers.get("webhook-id")})
            return self.answer(401)
        with lock:
            state["seen"] += 1
            n = state["seen"]
        if args.redirect_to:
            status = 307
        elif n <= args.fail_first:
            status = 500
        else:
            status = 204
        emit({
            "webhookId": headers["webhook-id"], "timestamp": headers["webhook-timestamp"],
            "userAgent": headers.get("user-agent"), "type": payload["type"], "data": payload["data"], "status": status,
        })
        self.answer(status)

    def answer(self, status):
        self.send_response(status)
        if status == 307:
            self.send_header("location", args.redirect_to)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *a):
        pass


def read_stdin():
    for line in sys.stdin:
        parts = line.split()
        if len(parts) == 2 and parts[0] == "secret":
            state["secret"] = parts[1]
            emit({"secretSet": True})
    # stdin is a lifeline: the test process is gone.
    os._exit(0)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
emit({"listening": server.server_address[1]})
threading.Thread(target=read_stdin, daemon=True).start()
server.serve_forever()
