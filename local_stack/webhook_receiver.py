"""A webhook receiver on loopback for `make run`: what a shop's warehouse or accounting tool would run.

`make run` starts it in a thread on RECEIVER_PORT (default 8010) and registers it as a webhook
endpoint of the demo tenant `tenant1` for every event type, so an order placed in the
browsable API shows up here a moment later (the stream poller records the delivery, the
outbound worker sends it). Each POST is kept with its headers, its body and whether its
signature is valid for the endpoint's secret (the secret the registration returned, which
`make run` hands over), and appended to `received.jsonl` under the local state folder.
`GET /` answers the received deliveries as JSON, newest first:

    curl -s http://127.0.0.1:8010/ | python -m json.tool

`python -m local_stack.webhook_receiver [port]` runs one alone (it then checks no signature).
"""

import hashlib
import hmac
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

DEFAULT_PORT = 8010
KEPT = 200  # the latest deliveries GET / shows


def signature_valid(header: str, body: bytes, secret: str) -> bool:
    """Whether a `t=...,v1=...` header signs `t.body` with `secret` (any of its v1 values)."""
    fields = [part.split("=", 1) for part in header.split(",") if "=" in part]
    timestamp = next((value for key, value in fields if key == "t"), "")
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return any(key == "v1" and hmac.compare_digest(value, expected) for key, value in fields)


class WebhookReceiver:
    """The receiver: a threaded HTTP server, its deliveries in memory and in a JSON-lines file."""

    def __init__(self, *, port: int = DEFAULT_PORT, log_file: Path | None = None, host: str = "127.0.0.1"):
        self.secrets: list[str] = []
        self.received: list[dict] = []
        self.log_file = log_file
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer((host, port), self._handler_class())
        self.server.daemon_threads = True
        self.url = f"http://{host}:{self.server.server_address[1]}/"

    def _handler_class(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.record(path=self.path, headers=dict(self.headers), body=body)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self):
                answer = json.dumps(list(reversed(receiver.received[-KEPT:])), indent=1).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):  # quiet: make run's terminal is for the API
                pass

        return Handler

    def record(self, *, path: str, headers: dict, body: bytes) -> dict:
        signature = headers.get("Bookstore-Signature", "")
        try:
            payload = json.loads(body)
        except ValueError:
            payload = body.decode(errors="replace")
        entry = {
            "received_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "path": path,
            "event_id": headers.get("Bookstore-Event-Id"),
            "event_type": headers.get("Bookstore-Event-Type"),
            "signature_valid": any(signature_valid(signature, body, secret) for secret in self.secrets)
            if self.secrets
            else None,
            "payload": payload,
        }
        with self._lock:
            self.received.append(entry)
            del self.received[:-KEPT]
            if self.log_file:
                self.log_file.parent.mkdir(parents=True, exist_ok=True)
                with self.log_file.open("a") as log:
                    log.write(json.dumps(entry) + "\n")
        return entry

    def start(self) -> "WebhookReceiver":
        threading.Thread(target=self.server.serve_forever, name="webhook-receiver", daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PORT
    receiver = WebhookReceiver(port=port).start()
    print(f"Receiving webhooks on {receiver.url}; GET it to list them. Ctrl-C stops.")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        receiver.stop()
