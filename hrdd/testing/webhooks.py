"""Webhooks in tests: a real local receiver, and the Standard Webhooks verification a
receiver runs, written from the specification independently of hrdd.webhooks.signing."""

import base64
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def verify_standard_webhooks(secret: str, headers: dict, body: bytes, tolerance=300) -> bool:
    """The verification of the Standard Webhooks specification, written from the spec (as
    the `standardwebhooks` library does it), independently of hrdd.webhooks.signing."""
    msg_id, timestamp = headers["webhook-id"], headers["webhook-timestamp"]
    if abs(time.time() - int(timestamp)) > tolerance:
        return False
    key = base64.b64decode(secret.split("_", 1)[1])
    to_sign = f"{msg_id}.{timestamp}.{body.decode()}".encode()
    expected = base64.b64encode(hmac.new(key, to_sign, hashlib.sha256).digest()).decode()
    for versioned in headers["webhook-signature"].split(" "):
        version, _sep, sig = versioned.partition(",")
        if version == "v1" and hmac.compare_digest(sig, expected):
            return True
    return False


class Receiver:
    """A real HTTP server on 127.0.0.1 that records every request and answers with the next
    status of `answers` (then `default`)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answers: list[int] = []
        self.default = 204
        self.reply_body = b""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append(
                    {"path": self.path, "headers": dict(self.headers.items()), "body": body}
                )
                status = receiver.answers.pop(0) if receiver.answers else receiver.default
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", receiver.url + "elsewhere/")
                self.send_header("Content-Length", str(len(receiver.reply_body)))
                self.end_headers()
                self.wfile.write(receiver.reply_body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def payloads(self) -> list[dict]:
        return [json.loads(r["body"]) for r in self.requests]

    def close(self):
        self.server.shutdown()
        self.server.server_close()
