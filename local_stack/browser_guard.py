"""A WSGI layer that refuses every request a web browser sends, in front of the local emulator.

The emulator checks no signature and moto answers CORS for any origin, so without this any
page open in the developer's browser could call it while `make run` is up (write an item,
Scan a table of password hashes). Clients that sign requests (boto3, PynamoDB, the AWS CLI)
send neither an `Origin` header nor `Sec-Fetch-*` headers; browsers send `Origin` on every
cross-origin fetch and preflight and `Sec-Fetch-Site` on every request, including the
`<img>`/`<form>` kind that carries no `Origin`. So a request with `Origin`, or with a
`Sec-Fetch-Site` other than `none` (an address the developer typed) or `same-origin` (moto's
own dashboard), is answered 403 here, with no CORS headers, and never reaches moto. So is a
request whose `Host` is not a loopback name: a page that rebinds its own DNS name to
127.0.0.1 is "same-origin" to the browser, but still names its own host.
"""

import ipaddress
from collections.abc import Callable, Iterable
from typing import Any

WSGIApp = Callable[[dict[str, Any], Callable], Iterable[bytes]]

REFUSAL = b"The local emulator does not answer web pages: requests with an Origin header are refused.\n"
# Sec-Fetch-Site values of requests no other site caused.
OWN_REQUESTS = frozenset({"none", "same-origin"})


def _host_name(host: str) -> str:
    """The name in a Host header, without its port (`[::1]:5005` → `::1`, `127.0.0.1:5005` → `127.0.0.1`)."""
    if host.startswith("["):
        return host[1:].partition("]")[0]
    name, _, port = host.rpartition(":")
    return name if name and port.isdigit() and ":" not in name else host


def _loopback_host(host: str) -> bool:
    """Whether a Host header names this machine: a loopback address, `localhost` or a name under it."""
    name = _host_name(host).lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def from_a_browser(environ: dict[str, Any]) -> bool:
    """Whether a web page sent the request: it carries `Origin`, another site's `Sec-Fetch-Site`, or a foreign Host."""
    if "HTTP_ORIGIN" in environ:
        return True
    if environ.get("HTTP_SEC_FETCH_SITE", "none").lower() not in OWN_REQUESTS:
        return True
    return not _loopback_host(environ.get("HTTP_HOST", "127.0.0.1"))


def refuse_browsers(app: WSGIApp) -> WSGIApp:
    """`app`, answering 403 without CORS headers to any request `from_a_browser`."""

    def guarded(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if from_a_browser(environ):
            headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(REFUSAL)))]
            start_response("403 Forbidden", headers)
            return [REFUSAL]
        return app(environ, start_response)

    return guarded
