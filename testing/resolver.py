"""A table of host names for the webhooks resolver seam (WEBHOOKS_RESOLVER): tests resolve names without DNS.

A test fills `NAMES` (through the `resolver_names` fixture, which also points the setting
here) with the addresses each name resolves to; a name not in it resolves to nothing.
"""

NAMES: dict[str, list[str]] = {}
PATH = "testing.resolver.resolve"


def resolve(host: str, port: int) -> list[str]:
    """The addresses the table gives `host` (on any port); none for a name it does not hold."""
    return list(NAMES.get(host.lower(), []))
