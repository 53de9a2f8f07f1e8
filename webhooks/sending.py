"""One HTTP POST of a delivery to its endpoint, to an address the SSRF guard allowed, and what came of it.

The host is resolved through `webhooks.addresses.connect_addresses` (every address must be
one we may call), the connection is opened to one of those addresses, never to the name,
and the peer actually connected to is checked again (`address_refusal`), so a name that
resolves to a private address at delivery time (DNS rebinding) gets nowhere. For https the
socket is wrapped with the host name as SNI and the certificate is verified for that name
(the system's trust store), so pinning the address costs no TLS check.

Redirects are never followed: a 3xx is a failed attempt, like any answer but a 2xx. No
answer within WEBHOOK_TIMEOUT_SECONDS is a failed attempt too: connecting and answering share
that budget (each read of the answer waits at most what is left of it). `post` never raises for the
receiver's sake: it returns a `SendOutcome`.
"""

import http.client
import socket
import ssl
import time
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from django.conf import settings

from webhooks.addresses import HTTPS, AddressRefused, address_refusal, connect_addresses, url_parts

USER_AGENT = "Bookstore-Webhooks/1"
ERROR_CHARS = 500
ANSWER_PEEK_BYTES = 512  # enough of a refusal's body to say why; the rest is not read


@dataclass(frozen=True)
class SendOutcome:
    """The answer's status (None if none came), the time taken, and why it failed (None on a 2xx)."""

    status_code: int | None
    latency_ms: int
    error: str | None

    @property
    def succeeded(self) -> bool:
        return self.error is None


@cache
def tls_context() -> ssl.SSLContext:
    """The client TLS context, made once: the system's trust store, the chain and the host name verified."""
    return ssl.create_default_context()


def _connected_socket(addresses: list[str], port: int, timeout: float) -> socket.socket:
    """A socket connected to the first address that answers, checked again once connected."""
    last_error: OSError | None = None
    for address in addresses:
        try:
            sock = socket.create_connection((address, port), timeout=timeout)
        except OSError as error:
            last_error = error
            continue
        peer = sock.getpeername()[0]
        reason = address_refusal(peer)
        if reason:
            sock.close()
            raise AddressRefused(f"connected to {peer}, and {reason}")
        return sock
    raise last_error or OSError("no address to connect to")


class _PinnedConnection(http.client.HTTPConnection):
    """An HTTP connection to one of the guard's addresses; the Host header still names the host."""

    def __init__(self, host: str, port: int, *, addresses: list[str], timeout: float, tls: bool):
        super().__init__(host, port, timeout=timeout)
        self._addresses, self._tls = addresses, tls
        self._deadline = time.monotonic() + timeout

    def connect(self) -> None:
        sock = _connected_socket(self._addresses, self.port, self.timeout)
        if self._tls:
            sock = tls_context().wrap_socket(sock, server_hostname=self.host)
        # One budget for the whole attempt: the answer gets what connecting left of it.
        sock.settimeout(max(self._deadline - time.monotonic(), 0.001))
        self.sock = sock


def _path(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def post(*, url: str, body: bytes, headers: dict[str, str]) -> SendOutcome:
    """POST `body` to `url` with `headers` (plus Content-Type and User-Agent); a 2xx is success."""
    started = time.monotonic()

    def outcome(status_code: int | None, error: str | None) -> SendOutcome:
        latency = int((time.monotonic() - started) * 1000)
        return SendOutcome(status_code=status_code, latency_ms=latency, error=error[:ERROR_CHARS] if error else None)

    timeout = float(settings.WEBHOOK_TIMEOUT_SECONDS)
    try:
        scheme, host, port = url_parts(url)
        addresses = connect_addresses(host, port)
    except AddressRefused as refused:
        return outcome(None, f"refused: {refused}")
    connection = _PinnedConnection(host, port, addresses=addresses, timeout=timeout, tls=scheme == HTTPS)
    sent = {"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers}
    try:
        connection.request("POST", _path(url), body=body, headers=sent)
        response = connection.getresponse()
        status, reason = response.status, response.reason
        answer = response.read(ANSWER_PEEK_BYTES).decode("utf-8", "replace")
    except AddressRefused as refused:
        return outcome(None, f"refused: {refused}")
    except TimeoutError:
        return outcome(None, f"timeout: no answer within {timeout:g} s")
    except (OSError, http.client.HTTPException) as error:
        return outcome(None, f"{type(error).__name__}: {error}")
    finally:
        connection.close()
    if 200 <= status < 300:
        return outcome(status, None)
    if 300 <= status < 400:
        return outcome(status, f"HTTP {status} {reason}: redirects are not followed")
    return outcome(status, f"HTTP {status} {reason}: {answer}".strip())
