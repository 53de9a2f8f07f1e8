"""The health endpoint's checks of backing services: apps register a named probe, the view runs them.

The core imports no app, so an app that owns a backing service (catalog: the search engine)
registers its probe when Django starts. A probe returns True when its service answers; a
failing probe makes that entry "unavailable" without failing the whole check.
"""

from collections.abc import Callable

OK = "ok"
UNAVAILABLE = "unavailable"

_probes: dict[str, Callable[[], bool]] = {}


def register_probe(name: str, probe: Callable[[], bool]) -> None:
    _probes[name] = probe


def service_states() -> dict[str, str]:
    """Every registered service's state: "ok" or "unavailable" (a probe that raises is unavailable)."""
    states = {}
    for name, probe in sorted(_probes.items()):
        try:
            states[name] = OK if probe() else UNAVAILABLE
        except Exception:
            states[name] = UNAVAILABLE
    return states
