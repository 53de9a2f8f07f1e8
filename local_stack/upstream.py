"""Pinning the upstream code a local fix replaces: one rule for every fix in this package.

A fix records, for each upstream function it replaces or relies on, the sha256 of that
function's source as it was read (`inspect.getsource`). `changed_upstream()` names the ones
whose source differs now, and the fix refuses to install with `UpstreamChangedError`, so a
dependency upgrade fails loudly instead of running a fix written for other code.
"""

import hashlib
import inspect
from collections.abc import Callable, Mapping
from typing import Any


class UpstreamChangedError(RuntimeError):
    """The dependency's code differs from the version a fix was written against."""


def source_fingerprint(code: Callable[..., Any]) -> str:
    """The sha256 of a function's source, as the fixes pin it."""
    return hashlib.sha256(inspect.getsource(code).encode()).hexdigest()


def changed_upstream(fingerprints: Mapping[str, tuple[Callable[..., Any], str]]) -> list[str]:
    """The names in `{name: (function, expected sha256)}` whose source no longer matches."""
    return [name for name, (code, expected) in fingerprints.items() if source_fingerprint(code) != expected]
