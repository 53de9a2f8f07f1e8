"""A webhook receiver on loopback for `make run`: what a shop's warehouse or accounting tool would run.

`make run` starts it in a thread on RECEIVER_PORT (default 8010) and registers it as a webhook
endpoint of the demo tenant `tenant1` for every event type, so an order placed in the
browsable API shows up here a moment later (the stream poller records the delivery, the
outbound worker sends it). Each POST is kept with its headers, its body and whether its
signature is valid for the endpoint's secrets, checked with the example of
docs/api/webhook-deliveries.md itself, and appended to `received.jsonl` under the local state folder.
`GET /` answers the received deliveries as JSON, newest first:

    curl -s http://127.0.0.1:8010/ | python -m json.tool

`python -m local_stack.webhook_receiver [port]` runs one alone (it then checks no signature).
"""

import json
import re
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

DEFAULT_PORT = 8010
KEPT = 200  # the latest deliveries GET / shows


DELIVERIES_DOC = Path(__file__).resolve().parent.parent / "docs" / "api" / "webhook-deliveries.md"


def documented_verify():
    """The `verify(secret, body, header)` of docs/api/webhook-deliveries.md, run from the page's own text.

    The receiver checks signatures with the very example receivers are given, so the example is
    proven by every delivery `make run` receives (and by the tests, which use it too).
    """
    blocks = re.findall(r"```python\n(.*?)```", DELIVERIES_DOC.read_text(), flags=re.DOTALL)
    assert len(blocks) == 1, "the page has one Python example: the signature check"
    assert len(blocks[0].strip().splitlines()) <= 10, "the example stays within 10 lines"
    namespace: dict = {}
    exec(compile(blocks[0], str(DELIVERIES_DOC), "exec"), namespace)
    return namespace["verify"]


class WebhookReceiver:
    """The receiver: a threaded HTTP server, its deliveries in memory and in a JSON-lines file."""

    def __init__(
        self,
        *,
        port: int = DEFAULT_PORT,
        log_file: Path | None = None,
        host: str = "127.0.0.1",
        secrets: Callable[[], list[str]] = list,
    ):
        self.secrets = secrets  # the endpoint's signing secrets now (a rotation adds one)
        self.verify = documented_verify()
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
            "signature_valid": self._signed(signature, body),
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

    def _signed(self, header: str, body: bytes) -> bool | None:
        """Whether a secret of the endpoint signed the body; None when the receiver knows no secret."""
        secrets = self.secrets()
        return any(self.verify(secret, body, header) for secret in secrets) if secrets else None

    def start(self) -> "WebhookReceiver":
        threading.Thread(target=self.server.serve_forever, name="webhook-receiver", daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


DEMO_WEBHOOK_TENANT = "tenant1"


def demo_endpoint_secrets(url: str):
    """The demo tenant's webhook endpoint to the local receiver at `url`, for every event, registered if missing.

    Returns a function that reads the endpoint's secrets as they are now (a rotation through the
    API adds one for a day), for the receiver to check each delivery's signature with.
    """
    from bookstore.dynamodb.clock import now
    from webhooks.deliveries import tenant_endpoints
    from webhooks.event_types import EVENT_TYPES
    from webhooks.selectors import webhook_get
    from webhooks.services import webhook_create
    from webhooks.signing import signing_secrets

    endpoint = next((e for e in tenant_endpoints(tenant_id=DEMO_WEBHOOK_TENANT) if e.url == url), None)
    if endpoint is None:
        endpoint = webhook_create(
            tenant_id=DEMO_WEBHOOK_TENANT, url=url, events=list(EVENT_TYPES), description="make run's local receiver"
        )
    endpoint_id = endpoint.endpoint_id

    def secrets() -> list[str]:
        current = webhook_get(tenant_id=DEMO_WEBHOOK_TENANT, webhook_id=endpoint_id)
        return signing_secrets(
            secret=current.secret,
            previous_secret=current.previous_secret,
            previous_until=current.previous_secret_until,
            at=now(),
        )

    return secrets


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PORT
    receiver = WebhookReceiver(port=port).start()
    print(f"Receiving webhooks on {receiver.url}; GET it to list them. Ctrl-C stops.")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        receiver.stop()
