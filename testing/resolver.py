"""A table of host names for the webhooks resolver seam (WEBHOOKS_RESOLVER): tests resolve names without DNS.

The test settings point WEBHOOKS_RESOLVER here, so no test ever waits on DNS (the fuzzer's
random host names included). A test fills `NAMES` (through the `resolver_names` fixture) with
the addresses each name resolves to; a name not in it resolves to nothing.
"""

NAMES: dict[str, list[str]] = {}
PATH = "testing.resolver.resolve"


def resolve(host: str, port: int) -> list[str]:
    """The addresses the table gives `host` (on any port); none for a name it does not hold."""
    return list(NAMES.get(host.lower(), []))
