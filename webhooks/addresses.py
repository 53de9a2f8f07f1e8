"""Which addresses a webhook may reach: the server-side request forgery guard, at registration and at delivery.

A webhook URL is the tenant's, but the request is ours: from inside the stage's network it
could reach the instance metadata address (169.254.169.254), a private service, or the
stage itself. So a URL is refused unless every address its host resolves to is global
(not private, loopback, link-local, unique-local, multicast, reserved or shared), and only
`https` is accepted where WEBHOOKS_REQUIRE_HTTPS is on (every stage).

The check runs twice: when an endpoint is registered or changed (`url_validate`, a clear
400), and at each delivery on the address actually connected to (`connect_addresses`), so
a name that resolved to a public address at registration and to a private one later (DNS
rebinding) gets nowhere. WEBHOOKS_ALLOW_LOOPBACK lets loopback through for local receivers
and tests; production settings refuse to start with it on.

Names are resolved through WEBHOOKS_RESOLVER, a dotted path to `resolve(host, port) ->
list[str]`: the system's resolver on a stage, a table of names in tests (no real DNS).
"""

import ipaddress
import socket
from functools import cache
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

HTTPS = "https"
HTTP = "http"
DEFAULT_PORTS = {HTTPS: 443, HTTP: 80}


class AddressRefused(ValueError):
    """A webhook URL (or the address it resolved to) may not be called; the message says why."""


def system_resolve(host: str, port: int) -> list[str]:
    """Every address the system's resolver gives for `host` (IPv4 and IPv6)."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise AddressRefused(_("The host %(host)s does not resolve.") % {"host": host}) from error
    return sorted({info[4][0] for info in found})


@cache
def _resolver(path: str):
    return import_string(path)


def resolve(host: str, port: int) -> list[str]:
    """The addresses of `host`, through the configured resolver (WEBHOOKS_RESOLVER)."""
    return list(_resolver(settings.WEBHOOKS_RESOLVER)(host, port))


def address_refusal(address: str) -> str | None:
    """Why `address` may not be called, or None if it may."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone index names an interface, not an address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:10.0.0.1 is 10.0.0.1
    if ip.is_loopback:
        return None if settings.WEBHOOKS_ALLOW_LOOPBACK else _("it is a loopback address")
    if ip.is_link_local:
        return _("it is a link-local address (the instance metadata service lives there)")
    if ip.is_private:
        return _("it is a private address")
    if not ip.is_global or ip.is_multicast:
        return _("it is not a public unicast address")
    return None


def url_parts(url: str) -> tuple[str, str, int]:
    """The scheme, host and port of a webhook URL, or AddressRefused if it is not one we may call."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise AddressRefused(_("The URL is not valid.")) from error
    schemes = (HTTPS,) if settings.WEBHOOKS_REQUIRE_HTTPS else (HTTPS, HTTP)
    if parts.scheme not in schemes:
        raise AddressRefused(
            _("The URL must start with %(schemes)s.") % {"schemes": " or ".join(f"{s}://" for s in schemes)}
        )
    if not parts.hostname:
        raise AddressRefused(_("The URL has no host."))
    if parts.username or parts.password:
        raise AddressRefused(_("The URL may not carry a user name or password."))
    return parts.scheme, parts.hostname, port or DEFAULT_PORTS[parts.scheme]


def connect_addresses(host: str, port: int) -> list[str]:
    """The addresses to connect to for `host`: all of them, if every one may be called, else AddressRefused.

    Refusing the whole name when any address is refused leaves nothing for a resolver to
    choose between: a name with one private address is refused even next to public ones.
    """
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        addresses = resolve(host, port)
    else:
        addresses = [str(literal)]
    if not addresses:
        raise AddressRefused(_("The host %(host)s does not resolve.") % {"host": host})
    for address in addresses:
        reason = address_refusal(address)
        if reason:
            raise AddressRefused(
                _("The URL may not be called: %(host)s resolves to %(address)s, and %(reason)s.")
                % {"host": host, "address": address, "reason": reason}
            )
    return addresses


def url_validate(url: str) -> None:
    """Raise AddressRefused unless `url` may be registered: its scheme, and every address its host resolves to."""
    _scheme, host, port = url_parts(url)
    connect_addresses(host, port)
