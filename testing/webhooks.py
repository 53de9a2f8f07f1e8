"""Webhook test support: loopback receivers, a resolver table, endpoints as the admin API stores them, stream records.

`webhook_receiver(statuses)` serves HTTP on 127.0.0.1 in a thread: each POST is kept
(headers and raw body) and answered with the next status of `statuses`, then 200.
`silent_receiver()` accepts connections and never answers (a receiver that hangs).
Names resolve through the `resolver_names` fixture (testing/resolver.py), never DNS. `stream_record(item)` is the stream
record a model item's write makes, as the poller and Lambda hand it to a handler.
"""

import secrets
import socket
import ssl
import subprocess
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from boto3.dynamodb.types import TypeDeserializer

from bookstore.dynamodb.clock import now
from local_stack.webhook_receiver import documented_verify  # noqa: F401  (the tests take it from here)
from streams.registry import INSERT, StreamRecord
from webhooks.models import WebhookEndpoint


@dataclass(frozen=True)
class ReceivedRequest:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """A running receiver: its URL, what it received, and the statuses it has left to answer."""

    port: int
    statuses: list[int]
    scheme: str = "http"
    received: list[ReceivedRequest] = field(default_factory=list)
    server_names: list[str | None] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}/hooks"


def self_signed_certificate(folder: Path, host: str) -> tuple[Path, Path]:
    """A certificate for `host` (its own CA, signed by itself) and its key, made with the openssl tool."""
    cert, key = folder / f"{host}.pem", folder / f"{host}.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={host}",
         "-addext", f"subjectAltName=DNS:{host}", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@contextmanager
def webhook_receiver(
    statuses: list[int] | tuple[int, ...] = (), *, tls: tuple[Path, Path] | None = None
) -> Iterator[Receiver]:
    """A threaded HTTP receiver on a free loopback port, answering `statuses` in turn, then 200.

    With `tls` (a certificate and its key) it serves https, and keeps the name each client
    asked for (SNI) in `server_names`.
    """
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                receiver.received.append(ReceivedRequest(self.path, dict(self.headers.items()), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver = Receiver(port=server.server_address[1], statuses=list(statuses), scheme="https" if tls else "http")
    if tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*tls)
        context.sni_callback = lambda sock, name, ctx: receiver.server_names.append(name)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def silent_receiver() -> Iterator[str]:
    """A loopback port that accepts connections (the kernel's backlog) and never answers; yields its URL."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/hooks"
    finally:
        listener.close()


def endpoint_put(tenant_id: str, url: str, events: list[str], **fields) -> WebhookEndpoint:
    """An endpoint of the tenant subscribed to `events`, with a fresh secret, stored as the admin API stores it."""
    endpoint_id = uuid.uuid4().hex
    defaults = {"active": True, "secret": f"whsec_{secrets.token_hex(24)}", "consecutive_failures": 0}
    endpoint = WebhookEndpoint(
        tenant_id,
        WebhookEndpoint.sort_key(endpoint_id),
        tenant_id=tenant_id,
        endpoint_id=endpoint_id,
        url=url,
        events=list(events),
        created_at=now(),
        **{**defaults, **fields},
    )
    endpoint.save()
    return endpoint


def endpoint_get(endpoint: WebhookEndpoint) -> WebhookEndpoint:
    return WebhookEndpoint.get(endpoint.pk, endpoint.sk, consistent_read=True)


def _image(item) -> dict:
    return TypeDeserializer().deserialize({"M": item.serialize()})


def stream_record(table: str, item, *, event_name: str = INSERT, old=None, event_id: str = "") -> StreamRecord:
    """The stream record of a write of `item` (a model instance), `old` the item before it (None for an INSERT)."""
    return StreamRecord(
        table=table,
        event_id=event_id or uuid.uuid4().hex,
        event_name=event_name,
        sequence_number="1",
        keys={"pk": item.pk, "sk": item.sk},
        new_image=_image(item),
        old_image=_image(old) if old is not None else None,
        event_source_arn=f"arn:aws:dynamodb:local:000000000000:table/{table}/stream/x",
    )
